import { describe, expect, it } from 'vitest'
import { createInMemoryBroker } from './in-memory-broker.ts'
import { partitionForKey } from '../shared/murmur2-partition.ts'
import type { RecordBatch, RecordSource } from './ports.ts'

/** Runs a source until every partition of `topic` has been read up to `high`, from `from`. */
async function readAll(
  source: RecordSource,
  topic: string,
  high: readonly { partition: number; high: bigint }[],
  options: {
    from?: readonly { partition: number; offset: bigint }[]
    startAt?: readonly { topic: string; partition: number; offset: bigint }[]
  } = {},
): Promise<RecordBatch[]> {
  const { startAt } = options
  const batches: RecordBatch[] = []
  const controller = new AbortController()
  const reached = new Map<number, bigint>(
    [...(options.from ?? []), ...(startAt ?? [])].map((entry) => [entry.partition, entry.offset]),
  )
  const caughtUp = () => high.every((entry) => (reached.get(entry.partition) ?? 0n) >= entry.high)
  if (caughtUp()) return batches
  await source.run({
    topics: [topic],
    ...(startAt === undefined ? {} : { startAt }),
    signal: controller.signal,
    eachBatch: async (batch) => {
      batches.push(batch)
      reached.set(batch.partition, batch.nextOffset)
      await source.commit([{ topic, partition: batch.partition, offset: batch.nextOffset }])
      if (caughtUp()) controller.abort()
    },
  })
  return batches
}

describe('createInMemoryBroker', () => {
  it('places keyed records with Kafka’s partitioner and numbers offsets per partition', async () => {
    const broker = createInMemoryBroker({ topics: { orders: 3 } })
    await broker.sink().send([
      { topic: 'orders', key: 'a', value: '1' },
      { topic: 'orders', key: 'a', value: '2' },
      { topic: 'orders', key: 'b', value: '3' },
    ])
    const expectedA = partitionForKey(Buffer.from('a'), 3)
    const onA = broker.records('orders').filter((record) => record.partition === expectedA)
    expect(onA.map((record) => [record.offset, String(record.value)]).slice(0, 2)).toEqual([
      [0n, '1'],
      [1n, '2'],
    ])
    const offsets = await broker.admin().topicOffsets('orders')
    expect(offsets.reduce((sum, entry) => sum + entry.high, 0n)).toBe(3n)
  })

  it('rejects a produce to a missing topic without writing any record of the batch', async () => {
    const broker = createInMemoryBroker({ topics: { orders: 1 } })
    await expect(
      broker.sink().send([
        { topic: 'orders', key: null, value: 'x' },
        { topic: 'nope', key: null, value: 'y' },
      ]),
    ).rejects.toThrow('topic not found: nope')
    expect(broker.records('orders')).toEqual([])
  })

  it('creates only missing topics and reports which ones it created', async () => {
    const broker = createInMemoryBroker({ topics: { a: 1 } })
    const admin = broker.admin()
    expect(await admin.createTopics([{ name: 'a' }, { name: 'b', partitions: 4 }])).toEqual(['b'])
    expect(await admin.describeTopics(['b'])).toEqual([{ name: 'b', partitions: 4, replicationFactor: 1 }])
    await admin.deleteTopics(['a'])
    expect(await admin.listTopics()).toEqual(['b'])
  })

  it('consumes from the beginning, commits, and resumes from the committed offsets', async () => {
    const broker = createInMemoryBroker({ topics: { t: 2 }, maxBatchRecords: 2 })
    const sink = broker.sink()
    await sink.send(
      ['a', 'b', 'c', 'd', 'e'].map((value, i) => ({ topic: 't', key: null, value, partition: i % 2 })),
    )
    const admin = broker.admin()
    const first = await readAll(
      broker.source({ groupId: 'g', fromBeginning: true }),
      't',
      await admin.topicOffsets('t'),
    )
    expect(first.flatMap((batch) => batch.records.map((record) => String(record.value))).sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ])
    expect(first.every((batch) => batch.records.length <= 2)).toBe(true)
    expect(await admin.groupOffsets('g', 't')).toEqual([
      { topic: 't', partition: 0, offset: 3n },
      { topic: 't', partition: 1, offset: 2n },
    ])

    await sink.send([{ topic: 't', key: null, value: 'f', partition: 1 }])
    const second = await readAll(broker.source({ groupId: 'g' }), 't', await admin.topicOffsets('t'), {
      from: await admin.groupOffsets('g', 't'),
    })
    expect(second.flatMap((batch) => batch.records.map((record) => String(record.value)))).toEqual(['f'])
  })

  it('starts at the given positions instead of the committed ones', async () => {
    const broker = createInMemoryBroker({ topics: { t: 1 } })
    await broker.sink().send(['a', 'b', 'c'].map((value) => ({ topic: 't', key: null, value })))
    await broker.source({ groupId: 'g' }).commit([{ topic: 't', partition: 0, offset: 3n }])
    const batches = await readAll(broker.source({ groupId: 'g' }), 't', [{ partition: 0, high: 3n }], {
      startAt: [{ topic: 't', partition: 0, offset: 1n }],
    })
    expect(batches.flatMap((batch) => batch.records.map((record) => record.offset))).toEqual([1n, 2n])
  })

  it('starts at the end when the group has no offsets and fromBeginning is not set', async () => {
    const broker = createInMemoryBroker({ topics: { t: 1 } })
    const sink = broker.sink()
    await sink.send([{ topic: 't', key: null, value: 'old' }])
    const source = broker.source({ groupId: 'late' })
    const controller = new AbortController()
    const seen: string[] = []
    const running = source.run({
      topics: ['t'],
      signal: controller.signal,
      eachBatch: async (batch) => {
        seen.push(...batch.records.map((record) => String(record.value)))
        controller.abort()
      },
    })
    await sink.send([{ topic: 't', key: null, value: 'new' }])
    await running
    expect(seen).toEqual(['new'])
  })

  it('makes committed transactions visible with their offsets and drops aborted ones', async () => {
    const broker = createInMemoryBroker({ topics: { in: 1, out: 1 } })
    const sink = broker.sink({ transactionalId: 'tx' })
    await sink.transaction(async (tx) => {
      await tx.send([{ topic: 'out', key: 'k', value: 'kept' }])
      await tx.sendOffsets('g', [{ topic: 'in', partition: 0, offset: 7n }])
    })
    await expect(
      sink.transaction(async (tx) => {
        await tx.send([{ topic: 'out', key: 'k', value: 'dropped' }])
        await tx.sendOffsets('g', [{ topic: 'in', partition: 0, offset: 9n }])
        throw new Error('processing failed')
      }),
    ).rejects.toThrow('processing failed')
    expect(broker.records('out').map((record) => String(record.value))).toEqual(['kept'])
    expect(broker.committed('g', 'in')).toEqual([{ topic: 'in', partition: 0, offset: 7n }])
  })

  it('refuses a transaction on a sink without a transactional id', async () => {
    const broker = createInMemoryBroker({ topics: { t: 1 } })
    await expect(broker.sink().transaction(() => Promise.resolve())).rejects.toThrow('transactionalId')
  })

  it('stops a waiting source when its signal aborts', async () => {
    const broker = createInMemoryBroker({ topics: { t: 1 } })
    const controller = new AbortController()
    const running = broker.source({ groupId: 'g' }).run({
      topics: ['t'],
      signal: controller.signal,
      eachBatch: () => Promise.reject(new Error('no records expected')),
    })
    controller.abort()
    await expect(running).resolves.toBeUndefined()
  })

  it('fails a run whose batch handler throws', async () => {
    const broker = createInMemoryBroker({ topics: { t: 1 } })
    await broker.sink().send([{ topic: 't', key: null, value: 'x' }])
    const running = broker.source({ groupId: 'g', fromBeginning: true }).run({
      topics: ['t'],
      signal: new AbortController().signal,
      eachBatch: () => Promise.reject(new Error('sink down')),
    })
    await expect(running).rejects.toThrow('sink down')
  })
})
