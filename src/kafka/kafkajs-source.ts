/** The RecordSource port over kafkajs's consumer: batches, commits, offsets sent in transactions. */
import type { Consumer, EachBatchPayload, IHeaders } from 'kafkajs'
import { DipError } from '../shared/errors.ts'
import { sleep } from '../shared/sleep.ts'
import type { Headers, RecordBatch, RecordSource, SourceOptions, TopicPartitionOffset } from './ports.ts'
import type { ClientContext } from './kafkajs-context.ts'
import { kafkaError } from './kafkajs-context.ts'
import { groupByTopic } from './kafkajs-sink.ts'

const FETCH_MAX_WAIT_MS = 500
/** Batches handed to the caller and not yet done while kafkajs fetches the next ones. */
const DELIVERIES_IN_FLIGHT = 2
const FETCH_MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024
const FETCH_MAX_BYTES = 16 * 1024 * 1024

export function createRecordSource(context: ClientContext, options: SourceOptions): RecordSource {
  let consumer: Consumer | undefined
  let running = false

  return {
    async run({ topics, startAt = [], signal, eachBatch }) {
      if (running) throw new DipError('DIP_INTERNAL', 'RecordSource.run is already running')
      if (signal.aborted) return
      running = true
      const client = context.kafka.consumer({
        groupId: options.groupId,
        readUncommitted: options.isolation === 'read_uncommitted',
        allowAutoTopicCreation: false,
        // A fetch at the end of the log waits this long for new records, and stopping the consumer
        // waits for that fetch: kafkajs's 5 s made every run that caught up end 5 s late. 500 ms
        // is the Java client's default (fetch.max.wait.ms); batch readers pass less.
        maxWaitTimeInMs: options.maxWaitMs ?? FETCH_MAX_WAIT_MS,
        // Bigger fetches mean fewer, bigger batches for the sinks (one MySQL transaction or one
        // lake file each); still bounded, so memory stays flat.
        maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
        maxBytes: FETCH_MAX_BYTES,
      })
      consumer = client
      let failure: unknown
      let stop: () => void = () => undefined
      const stopped = new Promise<void>((resolve) => (stop = resolve))
      const onAbort = () => stop()
      signal.addEventListener('abort', onAbort, { once: true })

      // startAt positions are sought on every group join until the partition delivers its first
      // batch: the join event fires before the first fetch (no batch from the old position can
      // slip through), and a consumer restarted by kafkajs after a crash joins, and seeks, again.
      const pendingStart = new Map(startAt.map((entry) => [`${entry.topic}\u0000${entry.partition}`, entry]))
      client.on(client.events.GROUP_JOIN, () => {
        for (const { topic, partition, offset } of pendingStart.values())
          client.seek({ topic, partition, offset: offset.toString() })
      })

      // Every delivery (fetched batches and the progress-only ones below) runs through one queue,
      // so eachBatch never overlaps itself and each partition's batches arrive in offset order.
      let deliveries: Promise<void> = Promise.resolve()
      const inFlight: Promise<void>[] = []
      const deliver = (batch: RecordBatch): Promise<void> => {
        pendingStart.delete(`${batch.topic}\u0000${batch.partition}`)
        const next = deliveries.then(async () => {
          if (failure !== undefined || signal.aborted) return
          try {
            await eachBatch(batch)
          } catch (error) {
            failure = error
            stop()
          }
        })
        deliveries = next
        return next
      }

      // A fetch holding only transaction markers or aborted records never reaches eachBatch in
      // kafkajs, but the position moves past it; report it so callers can tell they caught up.
      client.on(client.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize !== 0) return
        void deliver({
          topic: payload.topic,
          partition: payload.partition,
          records: [],
          highWatermark: BigInt(payload.highWatermark),
          nextOffset: BigInt(payload.lastOffset) + 1n,
        })
      })
      client.on(client.events.CRASH, ({ payload }) => {
        if (payload.restart) return
        failure ??= kafkaError(context, `consume ${topics.join(', ')}`, payload.error, topics)
        stop()
      })

      try {
        await client.connect()
        await client.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? false })
        await client.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload: EachBatchPayload) => {
            const { batch } = payload
            if (failure !== undefined || signal.aborted || !payload.isRunning() || payload.isStale()) return
            const delivered = deliver({
              topic: batch.topic,
              partition: batch.partition,
              records: batch.messages.map((message) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: BigInt(message.offset),
                timestamp: Number(message.timestamp),
                key: message.key,
                value: message.value,
                headers: toHeaders(message.headers),
              })),
              highWatermark: BigInt(batch.highWatermark),
              nextOffset: BigInt(batch.lastOffset()) + 1n,
            })
            // kafkajs fetches again only when eachBatch returns: waiting for the batch before this
            // one instead of this one lets the broker and the network work on the next fetch while
            // the caller still handles this batch. The offset is resolved now (it only tells kafkajs
            // where to fetch next; callers keep their own positions), and deliveries stay in order.
            const last = batch.messages.at(-1)
            if (last !== undefined) payload.resolveOffset(last.offset)
            inFlight.push(delivered)
            if (inFlight.length > DELIVERIES_IN_FLIGHT) await inFlight.shift()
            if (failure !== undefined || signal.aborted) return
            await payload.heartbeat()
          },
        })
        await stopped
      } catch (error) {
        failure ??= kafkaError(context, `consume ${topics.join(', ')}`, error, topics)
      } finally {
        signal.removeEventListener('abort', onAbort)
        await client.disconnect().catch(() => undefined)
        await deliveries
        consumer = undefined
        running = false
      }
      if (failure !== undefined) throw failure
    },

    async commit(offsets) {
      if (offsets.length === 0) return
      try {
        if (consumer !== undefined && running) {
          await consumer.commitOffsets(
            offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() })),
          )
          return
        }
        await commitWithoutMembership(context, options.groupId, offsets)
      } catch (error) {
        throw kafkaError(context, `commit offsets of group ${options.groupId}`, error)
      }
    },

    close: async () => {
      await consumer?.disconnect()
    },
  }
}

/**
 * Commits a group's offsets without joining it, in one small Kafka transaction (TxnOffsetCommit,
 * the way a read-process-write job commits). kafkajs's admin.setOffsets joins the group with a
 * consumer per topic and leaves after a full fetch wait (5 s a topic: two minutes for the lab's
 * 23 topics). The broker accepts it while the group has no members. One transactional id per
 * group, so a commit interrupted by a crash is aborted by the next one.
 */
async function commitWithoutMembership(
  context: ClientContext,
  groupId: string,
  offsets: readonly TopicPartitionOffset[],
): Promise<void> {
  const producer = context.kafka.producer({
    transactionalId: `dip-offsets-${groupId}`,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  })
  await producer.connect()
  try {
    const tx = await producer.transaction()
    try {
      await tx.sendOffsets({ consumerGroupId: groupId, topics: groupByTopic(offsets) })
      await tx.commit()
    } catch (error) {
      await tx.abort().catch(() => undefined)
      throw error
    }
  } finally {
    await producer.disconnect()
  }
  await untilVisible(context, groupId, offsets)
}

const COMMIT_VISIBLE_TIMEOUT_MS = 10_000

/**
 * The commit returns before the coordinator has written the transaction's markers, and until then
 * the group's offsets read as before. Wait until they show, so a reader right after (a test, a lag
 * check, the next run) sees them; after the timeout the commit still stands, it is only not visible yet.
 */
async function untilVisible(
  context: ClientContext,
  groupId: string,
  offsets: readonly TopicPartitionOffset[],
): Promise<void> {
  const admin = context.kafka.admin()
  await admin.connect()
  try {
    const wanted = new Map(offsets.map((o) => [`${o.topic}\u0000${o.partition}`, o.offset.toString()]))
    const topics = [...new Set(offsets.map((o) => o.topic))]
    const deadline = Date.now() + COMMIT_VISIBLE_TIMEOUT_MS
    for (;;) {
      const found = await admin.fetchOffsets({ groupId, topics })
      const visible = found.every(({ topic, partitions }) =>
        partitions.every(({ partition, offset }) => {
          const expected = wanted.get(`${topic}\u0000${partition}`)
          return expected === undefined || expected === offset
        }),
      )
      if (visible || Date.now() >= deadline) return
      await sleep(20)
    }
  } finally {
    await admin.disconnect()
  }
}

/** Shared by every record without headers (most): one object less per record. */
const NO_HEADERS: Headers = Object.freeze({})

function toHeaders(headers: IHeaders | undefined): Headers {
  let empty = true
  for (const _ in headers) {
    empty = false
    break
  }
  if (empty) return NO_HEADERS
  const result: Record<string, Buffer> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue
    const first = Array.isArray(value) ? value[0] : value
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first : Buffer.from(first)
  }
  return result
}
