import type {
  EngineRecord,
  OffsetRecord,
  PreparedRequest,
  ServingEngine,
  StatementResult,
} from '../engine-api.ts'
import type { TopicShape } from './describe-extended.ts'
import { engineTopicTail, type TopicTail } from './print/print-topic.ts'

/** An accepted /ksql request as the command topic stores it (replayed in order on start). */
export interface AcceptedRequest {
  readonly sql: string
  readonly properties: Readonly<Record<string, string>>
  readonly variables: Readonly<Record<string, string>>
}

/**
 * What the REST server runs on: the engine plus, on a real stack, the Kafka bridge that persists
 * commands and moves records between Kafka and the engine.
 */
export interface KsqlBackend {
  readonly engine: ServingEngine
  /** Runs `work` while no Kafka batch is being processed, so engine output is attributed correctly. */
  exclusive<T>(work: () => T | Promise<T>): Promise<T>
  /** Persists an executed request and forwards its output; returns its command sequence number. */
  commit(request: AcceptedRequest, results: readonly StatementResult[]): Promise<number>
  /**
   * Before a request's statements run: brings the engine's view of Kafka topics up to date and
   * creates the topics they would create (a topic Kafka refuses fails the request, nothing runs).
   * `prepared` is the request as the engine parsed it (once, for all that follows).
   */
  beforeExecute?(request: AcceptedRequest, prepared: PreparedRequest): Promise<void>
  /**
   * A stream topic's whole history for a pull query when the engine keeps only its newest records
   * (undefined: the engine holds it all, or there is nowhere else to read it from).
   */
  readHistory?(topic: string): Promise<readonly OffsetRecord[] | undefined>
  /** A topic's partitions and replication factor (DESCRIBE … EXTENDED); null when it does not exist. */
  describeTopic?(topic: string): Promise<TopicShape | null>
  /** Reads a topic for PRINT (absent: the server cannot PRINT). */
  readonly tailTopic?: TopicTail
  /** Deletes a Kafka topic after DROP … DELETE TOPIC. */
  deleteTopic(name: string): Promise<void>
  clusterId(): string
  kafkaHealthy(): boolean
}

/** The backend of unit tests and `--in-memory`: the engine alone, nothing persisted. */
export function inMemoryBackend(
  engine: ServingEngine & {
    onAppend?(listener: (record: EngineRecord) => void): () => void
    endOffsets?(topic: string): readonly number[]
  },
): KsqlBackend {
  let sequence = -1
  let chain: Promise<unknown> = Promise.resolve()
  return {
    engine,
    exclusive<T>(work: () => T | Promise<T>): Promise<T> {
      const run = chain.then(work)
      chain = run.catch(() => undefined)
      return run
    },
    commit: () => Promise.resolve(++sequence),
    describeTopic: (topic) => {
      if (!engine.topics().includes(topic)) return Promise.resolve(null)
      // In memory every topic has a single replica.
      return Promise.resolve({ partitions: engine.endOffsets?.(topic).length ?? 1, replication: 1 })
    },
    ...(engine.onAppend === undefined
      ? {}
      : {
          tailTopic: engineTopicTail({
            records: (topic) => engine.records(topic),
            onAppend: (listener) => engine.onAppend?.(listener) ?? (() => undefined),
          }),
        }),
    deleteTopic: () => Promise.resolve(),
    clusterId: () => 'in-memory',
    kafkaHealthy: () => true,
  }
}
