import type { RecordBatch, TopicPartitionOffset } from '../../kafka/ports.ts'
import { errorMessage } from '../../shared/errors.ts'
import { type BackendState, exclusive, inputTopics } from './backend-state.ts'
import { commitTransaction, deliverable, settled } from './transactions.ts'
import { sleep } from '../../shared/sleep.ts'

/** First pause before the consumer reconnects after Kafka failed; doubles up to the max. */
const CONSUME_RETRY_MS = 500
const MAX_CONSUME_RETRY_MS = 5000

/** How long the engine works on a batch before it lets I/O (a commit in flight, requests) run. */
const YIELD_EVERY_MS = 2

/** Consumes the current input topics; restarts when a statement changes them. */
export function consumeLoop(state: BackendState): Promise<void> {
  const { log } = state
  let retryMs = CONSUME_RETRY_MS
  let failedSince: number | null = null
  return (async () => {
    while (!state.stopped) {
      const topics = inputTopics(state)
      const controller = new AbortController()
      state.run = controller
      if (topics.length === 0) {
        await new Promise<void>((resolve) =>
          controller.signal.addEventListener('abort', () => resolve(), { once: true }),
        )
        continue
      }
      // Fetching runs in a group of its own process: after a kill -9 the dead member would hold
      // the shared group's partitions for a whole session timeout. Offsets still commit (in the
      // transactions) to `groupId`, the group a restart reads them from.
      // Fetching ahead: the broker reads the next batch while the engine works on this one. A
      // batch fetched but not yet processed when the run stops is dropped, and re-read from
      // `positions` (set once a batch is processed) by the next run.
      const source = state.ports.source({ groupId: state.fetchGroupId, isolation: 'read_committed' })
      try {
        const startAt = await startAtFor(state, topics)
        if (!state.healthy && failedSince !== null)
          log(`Kafka answers again after ${secondsSince(failedSince)} s; consuming ${topics.join(', ')}`)
        state.healthy = true
        failedSince = null
        retryMs = CONSUME_RETRY_MS
        await source.run({
          topics,
          startAt,
          signal: controller.signal,
          eachBatch: (batch) => processBatch(state, batch),
        })
      } catch (error) {
        state.healthy = false
        failedSince ??= Date.now()
        log(`consuming ${topics.join(', ')} failed: ${errorMessage(error)}; retrying in ${retryMs / 1000} s`)
        await sleep(retryMs)
        // Backoff: a broker being restarted is back in seconds, one that stays down is not hammered.
        retryMs = Math.min(retryMs * 2, MAX_CONSUME_RETRY_MS)
      } finally {
        await source.close().catch(() => undefined)
      }
    }
  })()
}

async function startAtFor(state: BackendState, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
  const { positions, committed } = state
  const admin = state.ports.admin()
  try {
    const result: TopicPartitionOffset[] = []
    for (const topic of topics) {
      const groupCommitted = await admin.groupOffsets(state.groupId, topic)
      for (const o of groupCommitted) {
        const key = `${topic}:${o.partition}`
        if (!positions.has(key) && !committed.has(key)) committed.set(key, o.offset)
      }
      for (const o of await admin.topicOffsets(topic)) {
        const key = `${topic}:${o.partition}`
        result.push({ topic, partition: o.partition, offset: positions.get(key) ?? o.low })
      }
    }
    return result
  } finally {
    await admin.close()
  }
}

async function processBatch(state: BackendState, batch: RecordBatch): Promise<void> {
  const { engine, output } = state
  await exclusive(state, async () => {
    const key = `${batch.topic}:${batch.partition}`
    const rebuildEnd = state.committed.get(key) ?? -1n
    let yieldedAt = performance.now()
    for (const record of batch.records) {
      // Yield often: the previous batch's transaction sends its records one request at a time, each
      // going on only when the engine yields (yielding every 500 records, the server sat idle a
      // quarter of the engine-kafka bench); and requests, queued behind this batch, get accepted.
      if (performance.now() - yieldedAt >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        yieldedAt = performance.now()
      }
      if (!output.isEcho(record)) {
        try {
          const input = {
            topic: record.topic,
            partition: record.partition,
            key: record.key,
            value: record.value,
            timestamp: record.timestamp,
            headers: record.headers,
          }
          const deaf = state.mutes.size === 0 ? null : mutedFor(state, key, record.offset)
          output.asInput(record.topic, () =>
            deaf === null ? engine.produce(input) : engine.produceMuted(input, deaf),
          )
        } catch (error) {
          state.log(
            `record ${record.topic}/${record.partition}@${record.offset} skipped: ${errorMessage(error)}`,
          )
        }
      }
      // Output of records below the committed offset was committed before this start.
      if (record.offset < rebuildEnd) output.discard()
    }
    // The engine's state now includes the batch: a consumer restarted in this process goes on from here.
    state.positions.set(key, batch.nextOffset)
    pruneMutes(state)
    if (batch.nextOffset <= rebuildEnd) return
    const batchOutput = output.take(new Set(inputTopics(state)))
    // One commit in flight while the engine works on the next batch: the broker's round trips
    // overlap the engine's work, memory stays bounded, and transactions stay in batch order.
    await settled(state)
    const commit = commitTransaction(state, async (tx) => {
      const records = deliverable(state, batchOutput.records)
      if (records.length > 0) await tx.send(records)
      await tx.sendOffsets(state.groupId, [
        { topic: batch.topic, partition: batch.partition, offset: batch.nextOffset },
      ])
    }).then(batchOutput.written)
    state.inFlight = commit.catch((error: unknown) => {
      state.failure = error
    })
  })
}

/** The replayed 'latest' queries that had not yet started when this record arrived. */
function mutedFor(state: BackendState, key: string, offset: bigint): ReadonlySet<string> | null {
  let deaf: Set<string> | null = null
  for (const [queryId, at] of state.mutes) {
    const start = at.get(key)
    if (start !== undefined && offset < start) (deaf ??= new Set()).add(queryId)
  }
  return deaf
}

/** A mute ends once every partition it names has been consumed past its start. */
function pruneMutes(state: BackendState): void {
  for (const [queryId, at] of state.mutes)
    if ([...at].every(([key, start]) => (state.positions.get(key) ?? -1n) >= start))
      state.mutes.delete(queryId)
}

function secondsSince(at: number): string {
  return ((Date.now() - at) / 1000).toFixed(1)
}
