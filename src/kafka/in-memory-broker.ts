import { DipError } from '../shared/errors.ts'
import type {
  ConsumedRecord,
  KafkaPorts,
  PartitionOffsets,
  ProducedRecord,
  RecordBatch,
  RecordSink,
  RecordSource,
  SinkTransaction,
  TopicAdmin,
  TopicPartitionOffset,
  TopicSpec,
} from './ports.ts'
import { partitionForKey } from '../shared/murmur2-partition.ts'

/**
 * The Kafka ports in memory, for unit tests of the modules above them. Simplifications: one
 * consumer per group (no rebalancing), a transaction's records are appended when it commits (so
 * aborted writes never take offsets and there are no marker records), no retention.
 */
export interface InMemoryBroker extends KafkaPorts {
  /** Every record of a topic, partition by partition, in offset order. */
  records(topic: string): ConsumedRecord[]
  /** Committed offsets of a group, like TopicAdmin.groupOffsets but synchronous. */
  committed(groupId: string, topic: string): TopicPartitionOffset[]
}

export interface InMemoryBrokerOptions {
  /** Topics that exist from the start: name → partition count. */
  readonly topics?: Readonly<Record<string, number>>
  /** Create a missing topic (1 partition) on first produce, instead of failing like our real client. */
  readonly autoCreateTopics?: boolean
  /** Most records per delivered batch. Default 500. */
  readonly maxBatchRecords?: number
  /** Record timestamps when a produced record has none. Default Date.now. */
  readonly now?: () => number
}

interface Topic {
  readonly name: string
  readonly partitions: ConsumedRecord[][]
  readonly config: Readonly<Record<string, string>>
}

export function createInMemoryBroker(options: InMemoryBrokerOptions = {}): InMemoryBroker {
  const topics = new Map<string, Topic>()
  const groups = new Map<string, Map<string, bigint>>()
  const now = options.now ?? Date.now
  const maxBatchRecords = options.maxBatchRecords ?? 500
  let roundRobin = 0
  // Sources waiting for new records; each append wakes them all.
  const waiters = new Set<() => void>()
  const wake = () => {
    for (const waiter of [...waiters]) waiter()
  }

  const createTopic = (spec: TopicSpec): void => {
    const count = spec.partitions ?? 1
    topics.set(spec.name, {
      name: spec.name,
      partitions: Array.from({ length: count }, () => []),
      config: spec.config ?? {},
    })
  }
  for (const [name, partitions] of Object.entries(options.topics ?? {})) createTopic({ name, partitions })

  const topicOrFail = (name: string): Topic => {
    const topic = topics.get(name)
    if (topic === undefined)
      throw new DipError('DIP_KAFKA', `topic not found: ${name}`, { hint: 'create the topic first' })
    return topic
  }

  const groupOffsets = (groupId: string): Map<string, bigint> => {
    const existing = groups.get(groupId)
    if (existing !== undefined) return existing
    const created = new Map<string, bigint>()
    groups.set(groupId, created)
    return created
  }

  const commitOffsets = (groupId: string, offsets: readonly TopicPartitionOffset[]) => {
    const group = groupOffsets(groupId)
    for (const { topic, partition, offset } of offsets) group.set(`${topic}\u0000${partition}`, offset)
  }

  /** Checks every record first, so a bad record leaves the topics unchanged (like a failed batch). */
  const append = (records: readonly ProducedRecord[]): void => {
    const placed = records.map((record) => {
      if (!topics.has(record.topic) && options.autoCreateTopics === true) createTopic({ name: record.topic })
      const topic = topicOrFail(record.topic)
      const count = topic.partitions.length
      const key = toBuffer(record.key)
      const partition =
        record.partition ?? (key === null ? roundRobin++ % count : partitionForKey(key, count))
      if (partition < 0 || partition >= count)
        throw new DipError('DIP_KAFKA', `partition ${partition} does not exist in ${topic.name} (${count})`)
      return { topic, partition, key, record }
    })
    for (const { topic, partition, key, record } of placed) {
      const log = topic.partitions[partition] ?? []
      log.push({
        topic: topic.name,
        partition,
        offset: BigInt(log.length),
        timestamp: record.timestamp ?? now(),
        key,
        value: toBuffer(record.value),
        headers: record.headers ?? {},
      })
    }
    if (placed.length > 0) wake()
  }

  const readGroup = (groupId: string, topic: string): TopicPartitionOffset[] =>
    [...groupOffsets(groupId)]
      .map(([id, offset]) => {
        const [name, partition] = id.split('\u0000')
        return { topic: name ?? '', partition: Number(partition), offset }
      })
      .filter((entry) => entry.topic === topic)
      .sort((a, b) => a.partition - b.partition)

  const admin = (): TopicAdmin => ({
    clusterId: () => Promise.resolve('in-memory'),
    listTopics: () => Promise.resolve([...topics.keys()].sort()),
    describeTopics: (names) =>
      Promise.resolve().then(() =>
        names.map((name) => ({
          name,
          partitions: topicOrFail(name).partitions.length,
          replicationFactor: 1,
        })),
      ),
    createTopics: (specs) =>
      Promise.resolve().then(() => {
        const created: string[] = []
        for (const spec of specs) {
          if (topics.has(spec.name)) continue
          createTopic(spec)
          created.push(spec.name)
        }
        return created
      }),
    deleteTopics: (names) =>
      Promise.resolve().then(() => {
        for (const name of names) topics.delete(name)
      }),
    topicOffsets: (name) =>
      Promise.resolve().then(() =>
        topicOrFail(name).partitions.map((log, partition): PartitionOffsets => ({
          partition,
          low: 0n,
          high: BigInt(log.length),
        })),
      ),
    groupOffsets: (groupId, topic) => Promise.resolve(readGroup(groupId, topic)),
    close: () => Promise.resolve(),
  })

  const sink = (sinkOptions: { readonly transactionalId?: string } = {}): RecordSink => {
    let queue: Promise<unknown> = Promise.resolve()
    return {
      send: (records) => Promise.resolve().then(() => append(records)),
      transaction<T>(work: (tx: SinkTransaction) => Promise<T>): Promise<T> {
        if (sinkOptions.transactionalId === undefined)
          return Promise.reject(
            new DipError(
              'DIP_INTERNAL',
              'RecordSink.transaction needs a sink created with a transactionalId',
            ),
          )
        const next = queue.then(async () => {
          const pending: ProducedRecord[] = []
          const offsets: { groupId: string; offsets: readonly TopicPartitionOffset[] }[] = []
          const result = await work({
            send: (records) =>
              Promise.resolve().then(() => {
                for (const record of records) topicOrFail(record.topic)
                pending.push(...records)
              }),
            sendOffsets: (groupId, groupOffsetsToCommit) =>
              Promise.resolve().then(() => void offsets.push({ groupId, offsets: groupOffsetsToCommit })),
          })
          append(pending)
          for (const entry of offsets) commitOffsets(entry.groupId, entry.offsets)
          return result
        })
        queue = next.catch(() => undefined)
        return next
      },
      close: () => queue.then(() => undefined),
    }
  }

  const source = (sourceOptions: {
    readonly groupId: string
    readonly fromBeginning?: boolean
  }): RecordSource => ({
    async run({ topics: names, startAt = [], signal, eachBatch }) {
      const positions = new Map<string, bigint>()
      const committed = groupOffsets(sourceOptions.groupId)
      const partitions: { topic: Topic; partition: number; id: string }[] = []
      for (const name of names) {
        const topic = topicOrFail(name)
        topic.partitions.forEach((log, partition) => {
          const id = `${name}\u0000${partition}`
          const start = startAt.find((entry) => entry.topic === name && entry.partition === partition)
          const position =
            start?.offset ??
            committed.get(id) ??
            (sourceOptions.fromBeginning === true ? 0n : BigInt(log.length))
          positions.set(id, position)
          partitions.push({ topic, partition, id })
        })
      }
      while (!signal.aborted) {
        let delivered = false
        for (const { topic, partition, id } of partitions) {
          if (signal.aborted) break
          const log = topic.partitions[partition] ?? []
          const from = Number(positions.get(id) ?? 0n)
          if (from >= log.length) continue
          const records = log.slice(from, from + maxBatchRecords)
          const nextOffset = BigInt(from + records.length)
          const batch: RecordBatch = {
            topic: topic.name,
            partition,
            records,
            highWatermark: BigInt(log.length),
            nextOffset,
          }
          await eachBatch(batch)
          positions.set(id, nextOffset)
          delivered = true
        }
        if (!delivered && !signal.aborted) await waitForRecords(signal)
      }
    },
    commit: (offsets) => Promise.resolve().then(() => commitOffsets(sourceOptions.groupId, offsets)),
    close: () => Promise.resolve(),
  })

  const waitForRecords = (signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        waiters.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      waiters.add(done)
      signal.addEventListener('abort', done, { once: true })
    })

  return {
    admin,
    sink,
    source,
    records: (name) => topicOrFail(name).partitions.flat(),
    committed: readGroup,
  }
}

function toBuffer(value: Buffer | string | null): Buffer | null {
  if (value === null) return null
  return typeof value === 'string' ? Buffer.from(value) : value
}
