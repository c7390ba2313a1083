import type { KafkaPorts, RecordSink } from '../../kafka/ports.ts'
import type { EmbeddedEngine } from '../engine.ts'
import { commandTopicName } from './command-log.ts'
import { collectEngineOutput, type EngineOutput } from './engine-output.ts'

export interface KafkaBackendOptions {
  readonly engine: EmbeddedEngine
  readonly ports: KafkaPorts
  readonly serviceId: string
  readonly log?: (message: string) => void
  /** Called when Kafka keeps refusing a transaction: the server must stop (a restart rebuilds). */
  readonly onFatal?: (error: unknown) => void
  /** A quicker view of the broker than the clients' retries (see broker-watch.ts). */
  readonly brokerReachable?: () => boolean
}

/** Everything the Kafka bridge knows and changes while it runs, shared by its modules. */
export interface BackendState {
  readonly engine: EmbeddedEngine
  readonly ports: KafkaPorts
  readonly log: (message: string) => void
  readonly onFatal: ((error: unknown) => void) | undefined
  readonly groupId: string
  readonly fetchGroupId: string
  readonly commandTopic: string
  readonly sink: RecordSink
  readonly output: EngineOutput
  /** `${topic}:${partition}` → next offset to read. */
  readonly positions: Map<string, bigint>
  /** Offsets committed before this start: rebuild below them. */
  readonly committed: Map<string, bigint>
  readonly knownKafkaTopics: Set<string>
  readonly knownQueries: Set<string>
  /** Replayed queries created with 'latest' → the input positions they started at (see LatestStarts). */
  readonly mutes: Map<string, ReadonlyMap<string, bigint>>
  /** Sink topics deleted under their queries: those queries failed, their records go nowhere. */
  readonly lostTopics: Set<string>
  sequence: number
  clusterId: string
  healthy: boolean
  stopped: boolean
  run: AbortController | null
  loop: Promise<void>
  chain: Promise<unknown>
  lastInputs: string
  /** The last batch's transaction, committing while the next batch is processed. */
  inFlight: Promise<void>
  failure: unknown
  inputCheck: NodeJS.Timeout | undefined
}

export function createBackendState(options: KafkaBackendOptions): BackendState {
  const { engine, ports, serviceId } = options
  const groupId = `_confluent-ksql-${serviceId}query_dip_bridge`
  const commandTopic = commandTopicName(serviceId)
  return {
    engine,
    ports,
    log: options.log ?? (() => undefined),
    onFatal: options.onFatal,
    groupId,
    fetchGroupId: `${groupId}_fetch_${process.pid}_${Date.now().toString(36)}`,
    commandTopic,
    sink: ports.sink({ transactionalId: `dip-ksql-${serviceId}-bridge` }),
    output: collectEngineOutput(engine, commandTopic),
    positions: new Map(),
    committed: new Map(),
    knownKafkaTopics: new Set(),
    knownQueries: new Set(),
    mutes: new Map(),
    lostTopics: new Set(),
    sequence: -1,
    clusterId: 'unknown',
    healthy: false,
    stopped: false,
    run: null,
    loop: Promise.resolve(),
    chain: Promise.resolve(),
    lastInputs: '',
    inFlight: Promise.resolve(),
    failure: undefined,
    inputCheck: undefined,
  }
}

/** Runs `work` after every earlier exclusive work has finished (engine access is one at a time). */
export function exclusive<T>(state: BackendState, work: () => T | Promise<T>): Promise<T> {
  const next = state.chain.then(work)
  state.chain = next.catch(() => undefined)
  return next
}

export function sinkTopics(state: BackendState): Set<string> {
  return new Set(state.engine.queries().flatMap((q) => q.sinkTopics))
}

/** The topics the consumer reads: sources in Kafka that no query writes. */
export function inputTopics(state: BackendState): string[] {
  const written = sinkTopics(state)
  return [...new Set(state.engine.sources().map((s) => s.topic))]
    .filter((t) => !written.has(t) && state.knownKafkaTopics.has(t))
    .sort()
}

export function restartConsumer(state: BackendState): void {
  state.run?.abort()
}

export function restartConsumerIfInputsChanged(state: BackendState): void {
  const current = inputTopics(state).join(',')
  if (current !== state.lastInputs) {
    state.lastInputs = current
    restartConsumer(state)
  }
}
