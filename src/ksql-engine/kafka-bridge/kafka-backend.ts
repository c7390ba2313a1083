import type { KsqlBackend } from '../server/ksql-backend.ts'
import { kafkaTopicTail } from '../server/print/kafka-topic-tail.ts'
import { createBackendState, exclusive, type KafkaBackendOptions } from './backend-state.ts'
import { readHistory } from './history-reads.ts'
import { commitRequest, startBackend, stopBackend } from './lifecycle.ts'
import {
  createRequestTopicsInKafka,
  deleteKafkaTopic,
  describeKafkaTopic,
  mirrorKafkaTopics,
} from './topic-admin.ts'

export type { KafkaBackendOptions } from './backend-state.ts'

export interface KafkaBackend extends KsqlBackend {
  /** Replays the command topic, then starts moving records between Kafka and the engine. */
  start(): Promise<{ replayedCommands: number }>
  stop(): Promise<void>
}

/**
 * Runs the in-process engine on a real broker.
 *
 * - Every request that changed the metastore is appended to the command topic; start() replays it.
 * - Input topics (sources no query writes) are read from their beginning. Records below the
 *   server's group's committed offsets rebuild state with sink output suppressed: that output was
 *   committed before. Past them, each batch's sink records and the group's offsets commit in one
 *   Kafka transaction (exactly-once), while the engine already works on the next batch.
 * - start() fences the transactional id first, so nothing a killed predecessor left open is read.
 * - Rows the engine itself appends to an input topic (INSERT … VALUES) are written to Kafka and
 *   skipped when they come back.
 * - Output is collected from the engine's append tap, not from its retained records, so the engine
 *   may keep as few records as its pull queries need (see startEmbeddedServer). A query created
 *   from 'earliest' over records the engine no longer holds gets them from Kafka (a backfill) and
 *   its output commits with its command.
 * - A rebuild runs every query over the whole input, except that a query created with 'latest' is
 *   deaf to the input records that came before it (the command stores where it started).
 * Limits: a backfill's output is held in memory until its one transaction commits.
 *
 * The state lives in one BackendState (backend-state.ts); topic-admin.ts, transactions.ts,
 * consume-inputs.ts, history-reads.ts and lifecycle.ts each take it explicitly.
 */
export function createKafkaBackend(options: KafkaBackendOptions): KafkaBackend {
  const state = createBackendState(options)
  return {
    engine: state.engine,
    // Requests (pull and push queries too) see what Kafka holds: the batch in flight commits first.
    exclusive: (work) =>
      exclusive(state, async () => {
        await state.inFlight
        return work()
      }),
    clusterId: () => state.clusterId,
    kafkaHealthy: () => state.healthy && (options.brokerReachable?.() ?? true),
    start: () => startBackend(state),
    commit: (request, results) => commitRequest(state, request, results),
    tailTopic: kafkaTopicTail(state.ports, state.groupId),
    describeTopic: (topic) => describeKafkaTopic(state, topic),
    readHistory: (topic) => readHistory(state, topic),
    deleteTopic: (name) => deleteKafkaTopic(state, name),
    async beforeExecute(request, prepared) {
      await mirrorKafkaTopics(state)
      await createRequestTopicsInKafka(state, request, prepared)
    },
    stop: () => stopBackend(state),
  }
}
