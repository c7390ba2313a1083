import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import { partitionForKey } from '../../src/shared/murmur2-partition.ts'
import type {
  ConsumedRecord,
  KafkaLogEntry,
  KafkaPorts,
  RecordBatch,
  RecordSource,
  TopicAdmin,
  TopicPartitionOffset,
} from '../../src/kafka/ports.ts'

/** Test-only escape hatch: a broken consumer fails the test instead of hanging until the suite timeout. */
const SAFETY_STOP_MS = 90_000

let ports: KafkaPorts
let admin: TopicAdmin
const logs: KafkaLogEntry[] = []
let topicSeq = 0
const uniqueTopic = (name: string) => `it-${name}-${process.pid}-${++topicSeq}`

beforeAll(() => {
  ports = createKafkaPorts({
    brokers: inject('stack').brokers,
    clientId: 'dip-it-kafka',
    log: (entry) => void logs.push(entry),
  })
  admin = ports.admin()
})

afterAll(async () => {
  await admin.close()
})

interface ReadResult {
  readonly records: ConsumedRecord[]
  /** Per partition, where the source would resume. */
  readonly positions: Map<number, bigint>
  readonly batches: number
}

/**
 * Reads `topic` until every partition's position reaches the high watermark it had when called,
 * committing each batch's nextOffset (unless told not to).
 */
async function readToEnd(
  source: RecordSource,
  topic: string,
  options: {
    readonly commit?: boolean
    readonly from?: readonly TopicPartitionOffset[]
    readonly startAt?: readonly TopicPartitionOffset[]
  } = {},
): Promise<ReadResult> {
  const high = await admin.topicOffsets(topic)
  const positions = new Map<number, bigint>(
    [...(options.from ?? []), ...(options.startAt ?? [])].map((entry) => [entry.partition, entry.offset]),
  )
  const records: ConsumedRecord[] = []
  let batches = 0
  const caughtUp = () => high.every((entry) => (positions.get(entry.partition) ?? 0n) >= entry.high)
  if (caughtUp()) return { records, positions, batches }
  const controller = new AbortController()
  const safety = setTimeout(() => controller.abort(new Error('safety stop')), SAFETY_STOP_MS)
  try {
    await source.run({
      topics: [topic],
      ...(options.startAt === undefined ? {} : { startAt: options.startAt }),
      signal: controller.signal,
      eachBatch: async (batch) => {
        batches++
        records.push(...batch.records)
        positions.set(batch.partition, batch.nextOffset)
        if (options.commit !== false)
          await source.commit([{ topic, partition: batch.partition, offset: batch.nextOffset }])
        if (caughtUp()) controller.abort()
      },
    })
  } finally {
    clearTimeout(safety)
  }
  if (!caughtUp()) throw new Error(`did not reach the end of ${topic}: ${JSON.stringify([...positions])}`)
  return { records, positions, batches }
}

/**
 * A commit returns before the coordinator has written the transaction markers; until then the end
 * that read_committed readers see (the last stable offset) lags. Wait for the exact expected end.
 */
async function waitForEnd(topic: string, expected: bigint): Promise<void> {
  const deadline = Date.now() + SAFETY_STOP_MS
  for (;;) {
    const offsets = await admin.topicOffsets(topic)
    const end = offsets.reduce((sum, entry) => sum + entry.high, 0n)
    if (end === expected) return
    if (Date.now() > deadline) throw new Error(`${topic} ends at ${end}, expected ${expected}`)
    await new Promise((done) => setTimeout(done, 100))
  }
}

const text = (records: readonly ConsumedRecord[]) => records.map((record) => String(record.value))

describe('kafkajs ports against the real broker', () => {
  it('creates a topic once and describes it', async () => {
    const topic = uniqueTopic('create')
    expect(await admin.createTopics([{ name: topic, partitions: 3 }])).toEqual([topic])
    expect(await admin.createTopics([{ name: topic, partitions: 3 }])).toEqual([])
    expect(await admin.describeTopics([topic])).toEqual([
      { name: topic, partitions: 3, replicationFactor: 1 },
    ])
    expect(await admin.listTopics()).toContain(topic)
    expect((await admin.clusterId()).length).toBeGreaterThan(0)
  })

  it('produces keyed records and consumes them with a group whose offsets are committed', async () => {
    const topic = uniqueTopic('produce')
    await admin.createTopics([{ name: topic, partitions: 3 }])
    const sink = ports.sink()
    const sent = Array.from({ length: 60 }, (_, i) => ({
      topic,
      key: `USER-${1000 + (i % 7)}`,
      value: JSON.stringify({ n: i }),
      headers: { source: Buffer.from('it') },
    }))
    await sink.send(sent.slice(0, 30))
    await sink.send(sent.slice(30))
    await sink.close()

    const groupId = `${topic}-group`
    const result = await readToEnd(ports.source({ groupId, fromBeginning: true }), topic)
    expect(text(result.records).sort()).toEqual(sent.map((record) => record.value).sort())
    for (const record of result.records) {
      // The broker-side placement matches Kafka's murmur2 partitioner (what ksqlDB and Java use).
      expect(record.partition).toBe(partitionForKey(record.key ?? Buffer.alloc(0), 3))
      expect(record.headers['source']?.toString()).toBe('it')
    }
    const high = await admin.topicOffsets(topic)
    expect(high.reduce((sum, entry) => sum + entry.high, 0n)).toBe(60n)
    expect(await admin.groupOffsets(groupId, topic)).toEqual(
      high.map((entry) => ({ topic, partition: entry.partition, offset: entry.high })),
    )
  })

  it('sends more than the broker’s request limit in one call by slicing it', async () => {
    const topic = uniqueTopic('large-send')
    await admin.createTopics([{ name: topic }])
    const sink = ports.sink()
    // 3,000 records of 1 KB: about 3 MB, three times the broker's default message.max.bytes.
    await sink.send(
      Array.from({ length: 3000 }, (_, i) => ({ topic, key: `k${i}`, value: 'x'.repeat(1000) })),
    )
    await sink.close()
    const [offsets] = await admin.topicOffsets(topic)
    expect(offsets?.high).toBe(3000n)
  })

  it('shows a committed transaction to read_committed consumers and hides an aborted one', async () => {
    const topic = uniqueTopic('tx')
    const input = uniqueTopic('tx-input')
    await admin.createTopics([{ name: topic }, { name: input }])
    const groupId = `${topic}-processor`
    const sink = ports.sink({ transactionalId: `${topic}-tx` })
    await sink.transaction(async (tx) => {
      await tx.send(['c1', 'c2'].map((value) => ({ topic, key: 'k', value })))
      await tx.sendOffsets(groupId, [{ topic: input, partition: 0, offset: 5n }])
    })
    await expect(
      sink.transaction(async (tx) => {
        await tx.send(['a1', 'a2'].map((value) => ({ topic, key: 'k', value })))
        await tx.sendOffsets(groupId, [{ topic: input, partition: 0, offset: 9n }])
        throw new Error('processing failed')
      }),
    ).rejects.toThrow('processing failed')
    await sink.transaction(async (tx) => {
      await tx.send([{ topic, key: 'k', value: 'c3' }])
    })
    await sink.close()
    // 5 records + 3 markers (commit, abort, commit).
    await waitForEnd(topic, 8n)

    const committed = await readToEnd(ports.source({ groupId: `${topic}-rc`, fromBeginning: true }), topic)
    expect(text(committed.records)).toEqual(['c1', 'c2', 'c3'])
    // The aborted records were written (read_uncommitted sees them), so hiding them was the isolation level.
    const uncommitted = await readToEnd(
      ports.source({ groupId: `${topic}-ru`, fromBeginning: true, isolation: 'read_uncommitted' }),
      topic,
    )
    expect(text(uncommitted.records)).toEqual(['c1', 'c2', 'a1', 'a2', 'c3'])
    // Positions step over the transaction markers, up to the end of the log.
    expect(committed.positions.get(0)).toBe(8n)
    expect(uncommitted.positions.get(0)).toBe(8n)
    // Offsets sent in a transaction are committed with it, and only then.
    expect(await admin.groupOffsets(groupId, input)).toEqual([{ topic: input, partition: 0, offset: 5n }])
  })

  it('reports progress past an aborted transaction that arrives after the reader caught up', async () => {
    const topic = uniqueTopic('tx-tail')
    await admin.createTopics([{ name: topic }])
    const sink = ports.sink({ transactionalId: `${topic}-tx` })
    await sink.transaction(async (tx) => {
      await tx.send([{ topic, key: null, value: 'kept' }])
    })
    await waitForEnd(topic, 2n) // 'kept' + its commit marker

    const batches: RecordBatch[] = []
    const controller = new AbortController()
    const safety = setTimeout(() => controller.abort(), SAFETY_STOP_MS)
    let firstBatch: () => void = () => undefined
    const delivered = new Promise<void>((done) => (firstBatch = done))
    const source = ports.source({ groupId: `${topic}-group`, fromBeginning: true })
    const running = source.run({
      topics: [topic],
      signal: controller.signal,
      eachBatch: async (batch) => {
        batches.push(batch)
        firstBatch()
        await source.commit([{ topic, partition: batch.partition, offset: batch.nextOffset }])
        if (batch.nextOffset >= 5n) controller.abort()
      },
    })
    await delivered
    await expect(
      sink.transaction(async (tx) => {
        await tx.send(['gone1', 'gone2'].map((value) => ({ topic, key: null, value })))
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    await sink.close()
    // The fetch after the abort holds only aborted records and a marker: it must still arrive, as an
    // empty batch moving nextOffset to the end, or a reader waiting to catch up would wait forever.
    await running
    clearTimeout(safety)
    expect(batches.map((batch) => [text(batch.records), batch.nextOffset])).toEqual([
      [['kept'], 2n],
      [[], 5n],
    ])
    expect(await admin.groupOffsets(`${topic}-group`, topic)).toEqual([{ topic, partition: 0, offset: 5n }])
  })

  it('commits offsets for a group that is not running', async () => {
    const topic = uniqueTopic('offline-commit')
    await admin.createTopics([{ name: topic, partitions: 2 }])
    const groupId = `${topic}-group`
    const source = ports.source({ groupId })
    await source.commit([
      { topic, partition: 0, offset: 0n },
      { topic, partition: 1, offset: 0n },
    ])
    expect(await admin.groupOffsets(groupId, topic)).toEqual([
      { topic, partition: 0, offset: 0n },
      { topic, partition: 1, offset: 0n },
    ])
    // Again, over two topics in one call: the group's commit transaction is reused, not left open.
    const other = uniqueTopic('offline-commit-b')
    await admin.createTopics([{ name: other, partitions: 1 }])
    const sink = ports.sink()
    await sink.send([0, 1, 2].map((i) => ({ topic, key: null, value: `v${i}`, partition: 1 })))
    await sink.send([{ topic: other, key: null, value: 'w' }])
    await sink.close()
    await source.commit([
      { topic, partition: 1, offset: 3n },
      { topic: other, partition: 0, offset: 1n },
    ])
    expect(await admin.groupOffsets(groupId, topic)).toEqual([
      { topic, partition: 0, offset: 0n },
      { topic, partition: 1, offset: 3n },
    ])
    expect(await admin.groupOffsets(groupId, other)).toEqual([{ topic: other, partition: 0, offset: 1n }])
    await source.close()
  })

  it('resumes batch by batch from the committed offsets and re-reads what was not committed', async () => {
    const topic = uniqueTopic('resume')
    await admin.createTopics([{ name: topic, partitions: 2 }])
    const sink = ports.sink()
    const groupId = `${topic}-group`
    await sink.send(['a', 'b', 'c', 'd'].map((value, i) => ({ topic, key: null, value, partition: i % 2 })))

    const first = await readToEnd(ports.source({ groupId, fromBeginning: true }), topic)
    expect(text(first.records).sort()).toEqual(['a', 'b', 'c', 'd'])

    await sink.send(['e', 'f'].map((value, i) => ({ topic, key: null, value, partition: i % 2 })))
    const second = await readToEnd(ports.source({ groupId }), topic, {
      from: await admin.groupOffsets(groupId, topic),
    })
    expect(text(second.records).sort()).toEqual(['e', 'f'])

    // A failing batch handler stops the run, commits nothing, and the next run gets the records again.
    await sink.send([{ topic, key: null, value: 'g', partition: 0 }])
    const failing = ports.source({ groupId })
    await expect(
      failing.run({
        topics: [topic],
        signal: AbortSignal.timeout(SAFETY_STOP_MS),
        eachBatch: () => Promise.reject(new Error('warehouse down')),
      }),
    ).rejects.toThrow('warehouse down')
    const retried = await readToEnd(ports.source({ groupId }), topic, {
      from: await admin.groupOffsets(groupId, topic),
    })
    expect(text(retried.records)).toEqual(['g'])
    await sink.close()
  })

  it('starts at explicit positions instead of the group’s committed offsets', async () => {
    const topic = uniqueTopic('start-at')
    await admin.createTopics([{ name: topic }])
    const sink = ports.sink()
    await sink.send(['r0', 'r1', 'r2', 'r3'].map((value) => ({ topic, key: null, value })))
    await sink.close()
    const groupId = `${topic}-group`
    await readToEnd(ports.source({ groupId, fromBeginning: true }), topic)
    expect(await admin.groupOffsets(groupId, topic)).toEqual([{ topic, partition: 0, offset: 4n }])

    const replay = await readToEnd(ports.source({ groupId }), topic, {
      startAt: [{ topic, partition: 0, offset: 2n }],
      commit: false,
    })
    expect(text(replay.records)).toEqual(['r2', 'r3'])
  })

  it('reads several topics in one run, each from its own position', async () => {
    const orders = uniqueTopic('multi-orders')
    const refunds = uniqueTopic('multi-refunds')
    await admin.createTopics([{ name: orders, partitions: 2 }, { name: refunds }])
    const sink = ports.sink()
    await sink.send([
      ...['o1', 'o2', 'o3', 'o4'].map((value, i) => ({ topic: orders, key: null, value, partition: i % 2 })),
      ...['r1', 'r2', 'r3'].map((value) => ({ topic: refunds, key: null, value })),
    ])
    await sink.close()
    const targets = [
      ...(await admin.topicOffsets(orders)).map((entry) => ({ topic: orders, ...entry })),
      ...(await admin.topicOffsets(refunds)).map((entry) => ({ topic: refunds, ...entry })),
    ]
    const seen: string[] = []
    const positions = new Map<string, bigint>([[`${refunds}/0`, 2n]])
    const controller = new AbortController()
    const safety = setTimeout(() => controller.abort(), SAFETY_STOP_MS)
    await ports.source({ groupId: `${orders}-group`, fromBeginning: true }).run({
      topics: [orders, refunds],
      startAt: [{ topic: refunds, partition: 0, offset: 2n }],
      signal: controller.signal,
      eachBatch: (batch) => {
        seen.push(...text(batch.records))
        positions.set(`${batch.topic}/${batch.partition}`, batch.nextOffset)
        if (
          targets.every(
            (target) => (positions.get(`${target.topic}/${target.partition}`) ?? 0n) >= target.high,
          )
        )
          controller.abort()
        return Promise.resolve()
      },
    })
    clearTimeout(safety)
    expect(seen.sort()).toEqual(['o1', 'o2', 'o3', 'o4', 'r3'])
  })

  it('splits partitions between two members of a group after a rebalance', async () => {
    const topic = uniqueTopic('rebalance')
    await admin.createTopics([{ name: topic, partitions: 2 }])
    const groupId = `${topic}-group`
    const controller = new AbortController()
    const safety = setTimeout(() => controller.abort(), SAFETY_STOP_MS)
    // Partitions each member read from; A's only count once B has read something (after the rebalance).
    const seenByB = new Set<number>()
    const seenByAAfterB = new Set<number>()
    const split = () => [...seenByAAfterB].some((a) => [...seenByB].some((b) => a !== b))
    let anyRecordRead = false
    const member = (name: 'a' | 'b') => {
      const source = ports.source({ groupId, fromBeginning: true })
      return source.run({
        topics: [topic],
        signal: controller.signal,
        eachBatch: async (batch) => {
          if (batch.records.length > 0) {
            if (name === 'b') seenByB.add(batch.partition)
            else if (seenByB.size > 0) seenByAAfterB.add(batch.partition)
            anyRecordRead = true
          }
          await source.commit([{ topic, partition: batch.partition, offset: batch.nextOffset }])
          if (split()) controller.abort()
        },
      })
    }
    const sink = ports.sink()
    const first = member('a')
    let second: Promise<void> | undefined
    // Keep both partitions busy until each member reads a partition of its own.
    for (let round = 0; !controller.signal.aborted; round++) {
      await sink.send([0, 1].map((partition) => ({ topic, key: null, value: `r${round}`, partition })))
      if (second === undefined && anyRecordRead) second = member('b')
      await new Promise((done) => setTimeout(done, 250))
    }
    await Promise.all([first, second])
    clearTimeout(safety)
    await sink.close()
    expect(split()).toBe(true)
  })

  it('names a missing topic when producing to it or consuming from it', async () => {
    const topic = uniqueTopic('missing')
    const expected = { code: 'DIP_KAFKA', message: `topic not found: ${topic}` }
    await expect(
      ports.source({ groupId: `${topic}-group` }).run({
        topics: [topic],
        signal: AbortSignal.timeout(SAFETY_STOP_MS),
        eachBatch: () => Promise.resolve(),
      }),
    ).rejects.toMatchObject(expected)
    const sink = ports.sink()
    await expect(sink.send([{ topic, key: null, value: 'x' }])).rejects.toMatchObject(expected)
    await sink.close()
    await expect(admin.topicOffsets(topic)).rejects.toMatchObject(expected)
    expect(await admin.listTopics()).not.toContain(topic)
  })

  it('names the brokers and the fix when Kafka is unreachable', async () => {
    const offline = createKafkaPorts({ brokers: ['127.0.0.1:1'], clientId: 'dip-it-offline' }).admin()
    await expect(offline.listTopics()).rejects.toMatchObject({
      code: 'DIP_KAFKA',
      message: expect.stringContaining('cannot reach Kafka at 127.0.0.1:1'),
      hint: expect.stringContaining('dip up'),
    })
    await offline.close()
  })
})
