import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts, ProducedRecord } from '../../src/kafka/ports.ts'
import type { KsqlSourceDescription } from '../../src/ksql-client/wire-types.ts'
import { dip } from './helpers/dip-cli.ts'
import { startFakeKsqlServer } from './helpers/fake-ksql-server.ts'
import { lakeDigest, lakeFiles, lakeRows } from './helpers/lake-files.ts'

let ports: KafkaPorts
let ksql: { url: string; close(): Promise<void> }
const run = `${process.pid}`
const topics = {
  orders: `it-lake-orders-${run}`,
  totals: `it-lake-totals-${run}`,
  sliding: `it-lake-sliding-${run}`,
  counts: `it-lake-counts-${run}`,
}

const field = (name: string, type: string, key = false) => ({
  name,
  schema: { type },
  ...(key ? { type: 'KEY' } : {}),
})
const sources: KsqlSourceDescription[] = [
  {
    name: 'ORDERS_FULL',
    type: 'STREAM',
    topic: topics.orders,
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    windowType: null,
    fields: [
      field('TRANSACTION_ID', 'STRING'),
      field('AMOUNT', 'DOUBLE'),
      {
        name: 'LOCATION',
        schema: { type: 'STRUCT', fields: [field('CITY', 'STRING'), field('COUNTRY', 'STRING')] },
      },
    ],
  },
  {
    name: 'TOTAL_PER_USER_TYPE',
    type: 'TABLE',
    topic: topics.totals,
    keyFormat: 'JSON',
    valueFormat: 'JSON',
    windowType: null,
    fields: [
      field('USER_ID', 'STRING', true),
      field('TRANSACTION_TYPE', 'STRING', true),
      field('TOTAL_USD', 'DOUBLE'),
    ],
  },
  {
    name: 'TOTAL_5MIN',
    type: 'TABLE',
    topic: topics.sliding,
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    windowType: 'HOPPING',
    statement:
      'CREATE TABLE TOTAL_5MIN AS SELECT transaction_type, SUM(amount) AS total FROM s WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY transaction_type;',
    fields: [field('TRANSACTION_TYPE', 'STRING', true), field('TOTAL', 'DOUBLE')],
  },
  {
    name: 'PRODUCT_COUNTS',
    type: 'TABLE',
    topic: topics.counts,
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    windowType: null,
    fields: [field('PRODUCT_ID', 'STRING', true), field('PURCHASE_COUNT', 'BIGINT')],
  },
]

const T0 = Date.UTC(2025, 3, 8, 10)
const T1 = Date.UTC(2025, 3, 9, 10)

function windowKey(key: string, startMs: number): Buffer {
  const bytes = Buffer.concat([Buffer.from(key), Buffer.alloc(8)])
  bytes.writeBigInt64BE(BigInt(startMs), bytes.length - 8)
  return bytes
}

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-lake' })
  const admin = ports.admin()
  // The records carry 2025 timestamps: without retention.ms=-1 the broker would delete them.
  const keep = { 'retention.ms': '-1' }
  await admin.createTopics([
    { name: topics.orders, partitions: 2, config: keep },
    { name: topics.totals, config: keep },
    { name: topics.sliding, config: keep },
    { name: topics.counts, config: keep },
  ])
  await admin.close()
  const orders: ProducedRecord[] = Array.from({ length: 40 }, (_, i) => ({
    topic: topics.orders,
    key: `TXN-${i}`,
    value: JSON.stringify({
      transaction_id: `TXN-${i}`,
      amount: i + 0.5,
      location: { city: 'Paris', country: 'France' },
    }),
    timestamp: i % 2 === 0 ? T0 : T1,
  }))
  orders.push({
    topic: topics.orders,
    key: 'bad-1',
    value: '{"transaction_id": ',
    timestamp: T0,
    partition: 0,
  })
  orders.push({
    topic: topics.orders,
    key: 'bad-2',
    value: '{"LOCATION": "Paris"}',
    timestamp: T0,
    partition: 1,
  })
  // A null value on a stream: ksqlDB reads no row from it.
  orders.push({ topic: topics.orders, key: 'gone-1', value: null, timestamp: T0, partition: 1 })
  const sink = ports.sink()
  await sink.send(orders)
  await sink.send([
    {
      topic: topics.totals,
      key: '{"USER_ID":"USER-1001","TRANSACTION_TYPE":"refund"}',
      value: '{"TOTAL_USD":12.5}',
      timestamp: T0,
    },
    {
      topic: topics.totals,
      key: '{"USER_ID":"USER-1002","TRANSACTION_TYPE":"purchase"}',
      value: '{"TOTAL_USD":3}',
      timestamp: T0,
    },
    {
      topic: topics.totals,
      key: '{"USER_ID":"USER-1001","TRANSACTION_TYPE":"refund"}',
      value: null,
      timestamp: T1,
    },
    { topic: topics.sliding, key: windowKey('purchase', T0), value: '{"TOTAL":99.5}', timestamp: T0 },
    { topic: topics.sliding, key: windowKey('refund', T0 + 60_000), value: '{"TOTAL":1}', timestamp: T0 },
    { topic: topics.counts, key: 'PROD-101', value: '{"PURCHASE_COUNT":7}', timestamp: T0 },
  ])
  await sink.close()
  ksql = await startFakeKsqlServer(sources)
})

afterAll(async () => {
  await ksql?.close()
})

async function freshLake(): Promise<string> {
  return mkdtemp(join(inject('stack').workDir, 'lake-'))
}

const group = `it-lake-${run}`

/** A batch run; commits to the consumer group only when asked. */
function sinkBatch(root: string, extra: readonly string[] = [], options: { commit?: boolean } = {}) {
  const commit = options.commit === true ? ['--group', group] : ['--no-commit']
  return dip(['consume', 'lake', '--batch', '--json', '--lake-root', root, ...commit, ...extra], {
    DIP_KSQL_URL: ksql.url,
  })
}

interface Summary {
  upToDate: boolean
  records: number
  errors: number
  files: number
  topics: { topic: string; area: string; records: number; deleted: number; errors: number; files: number }[]
}

describe('dip consume lake --batch', () => {
  let root = ''
  let summary: Summary

  beforeAll(async () => {
    root = await freshLake()
    const result = await sinkBatch(root, [], { commit: true })
    expect(result.exitCode, String(result.stderr)).toBe(0)
    summary = JSON.parse(String(result.stdout)) as Summary
  })

  it('discovers every ksqlDB stream and table and reports per-topic counts', () => {
    const byTopic = Object.fromEntries(summary.topics.map((t) => [t.topic, t]))
    expect(byTopic[topics.orders]).toMatchObject({ area: 'streams', records: 40, errors: 3 })
    expect(byTopic[topics.totals]).toMatchObject({ area: 'tables', records: 3, deleted: 1, errors: 0 })
    expect(byTopic[topics.sliding]).toMatchObject({ area: 'tables', records: 2 })
    expect(byTopic[topics.counts]).toMatchObject({ area: 'tables', records: 1 })
  })

  it('commits the position after the last offset of each partition to the consumer group', async () => {
    const admin = ports.admin()
    try {
      expect(await admin.groupOffsets(group, topics.totals)).toEqual([
        { topic: topics.totals, partition: 0, offset: 3n },
      ])
    } finally {
      await admin.close()
    }
  })

  it('writes stream rows with nested structs into date folders of the record time', async () => {
    const rows = (await lakeRows(root, 'streams')).filter((r) => r['_topic'] === topics.orders)
    expect(rows).toHaveLength(40)
    const row = rows.find((r) => r['TRANSACTION_ID'] === 'TXN-3')
    expect(row).toMatchObject({ AMOUNT: 3.5, LOCATION: { city: 'Paris', country: 'France' }, _timestamp: T1 })
    expect(String(row?.['__file'])).toMatch(
      new RegExp(
        `^streams/${topics.orders}/year=2025/month=04/day=09/${topics.orders}-p0000[01]-\\d{20}-\\d{20}(\\.\\dof\\d)?\\.jsonl$`,
      ),
    )
    const offsets = rows.map((r) => `${String(r['_partition'])}:${String(r['_offset'])}`)
    expect(new Set(offsets).size).toBe(40)
  })

  it('keeps multi-column JSON key columns and marks the tombstone deleted', async () => {
    const rows = (await lakeRows(root, 'tables')).filter((r) => r['_topic'] === topics.totals)
    expect(rows.map((r) => [r['USER_ID'], r['TRANSACTION_TYPE'], r['TOTAL_USD'], r['_deleted']])).toEqual([
      ['USER-1001', 'refund', 12.5, false],
      ['USER-1002', 'purchase', 3, false],
      ['USER-1001', 'refund', null, true],
    ])
  })

  it('splits windowed keys into the key column, WINDOWSTART and WINDOWEND', async () => {
    const rows = (await lakeRows(root, 'tables')).filter((r) => r['_topic'] === topics.sliding)
    expect(rows.map((r) => [r['TRANSACTION_TYPE'], r['WINDOWSTART'], r['WINDOWEND'], r['TOTAL']])).toEqual([
      ['purchase', T0, T0 + 300_000, 99.5],
      ['refund', T0 + 60_000, T0 + 360_000, 1],
    ])
    const counts = (await lakeRows(root, 'tables')).filter((r) => r['_topic'] === topics.counts)
    expect(counts).toMatchObject([{ PRODUCT_ID: 'PROD-101', PURCHASE_COUNT: 7 }])
  })

  it('sends malformed records to _errors with their position, raw bytes and reason', async () => {
    const errors = (await lakeRows(root, '_errors')).filter((r) => r['topic'] === topics.orders)
    expect(errors).toHaveLength(3)
    const invalid = errors.find((e) => Buffer.from(String(e['key']), 'base64').toString() === 'bad-1')
    expect(invalid).toMatchObject({
      partition: 0,
      value: Buffer.from('{"transaction_id": ').toString('base64'),
    })
    expect(String(invalid?.['reason'])).toMatch(/invalid JSON/)
    const shape = errors.find((e) => Buffer.from(String(e['key']), 'base64').toString() === 'bad-2')
    expect(String(shape?.['reason'])).toMatch(/LOCATION: expected STRUCT/)
    // Not a row of NULLs in streams/: kept with its position and why.
    const gone = errors.find((e) => Buffer.from(String(e['key']), 'base64').toString() === 'gone-1')
    expect(gone).toMatchObject({ partition: 1, value: null })
    expect(String(gone?.['reason'])).toMatch(/null \(a tombstone\) on a stream topic: ksqlDB reads no row/)
  })

  it('writes nothing on a second run without new data, and says so', async () => {
    const before = await lakeDigest(root)
    const again = await sinkBatch(root)
    expect(again.exitCode).toBe(0)
    expect(JSON.parse(String(again.stdout))).toMatchObject({ upToDate: true, records: 0, files: 0 })
    expect(String(again.stderr)).toMatch(/up to date/)
    expect(await lakeDigest(root)).toEqual(before)
  })

  it('produces identical lake trees from scratch', async () => {
    const other = await freshLake()
    const result = await sinkBatch(other)
    expect(result.exitCode, String(result.stderr)).toBe(0)
    expect(JSON.parse(String(result.stdout)), String(result.stderr)).toMatchObject({ records: 46, errors: 3 })
    expect(await lakeDigest(other)).toEqual(await lakeDigest(root))
  })

  it('appends only new records on the next run', async () => {
    const sink = ports.sink()
    await sink.send([{ topic: topics.counts, key: 'PROD-101', value: '{"PURCHASE_COUNT":8}', timestamp: T0 }])
    await sink.close()
    const next = await sinkBatch(root)
    expect(JSON.parse(String(next.stdout))).toMatchObject({ upToDate: false, records: 1, files: 1 })
    const counts = (await lakeRows(root, 'tables')).filter((r) => r['_topic'] === topics.counts)
    expect(counts.map((r) => [r['PURCHASE_COUNT'], r['_offset']])).toEqual([
      [7, 0],
      [8, 1],
    ])
  })
})

describe('dip consume lake --batch on a transactional topic', () => {
  it('commits the end offset past the commit marker, and a second run says it is up to date', async () => {
    const root = await freshLake()
    const topic = `it-lake-txn-${run}`
    const admin = ports.admin()
    await admin.createTopics([{ name: topic }])
    const sink = ports.sink({ transactionalId: `it-lake-txn-${run}` })
    await sink.transaction((tx) =>
      tx.send(Array.from({ length: 3 }, (_, i) => ({ topic, key: `k${i}`, value: JSON.stringify({ i }) }))),
    )
    await sink.close()
    const args = ['--topics', topic]
    try {
      const first = await sinkBatch(root, args, { commit: true })
      expect(JSON.parse(String(first.stdout)), String(first.stderr)).toMatchObject({
        records: 3,
        upToDate: false,
      })
      // 3 records and the transaction's commit marker: the end offset is 4, and the lag 0.
      expect(await admin.groupOffsets(group, topic)).toEqual([{ topic, partition: 0, offset: 4n }])
      const again = await sinkBatch(root, args, { commit: true })
      expect(JSON.parse(String(again.stdout))).toMatchObject({ upToDate: true, records: 0, files: 0 })
      expect(String(again.stderr)).toMatch(/up to date/)
    } finally {
      await admin.close()
    }
  })
})

describe('dip consume lake (streaming)', () => {
  it('flushes a quiet partition on the idle timeout, and flushes the rest and exits 0 on SIGTERM', async () => {
    const root = await freshLake()
    const topic = `it-lake-stream-${run}`
    const admin = ports.admin()
    await admin.createTopics([{ name: topic, config: { 'retention.ms': '-1' } }])
    await admin.close()
    const child = dip(
      ['consume', 'lake', '--topics', topic, '--lake-root', root, '--idle-flush', '1s', '--no-commit'],
      { DIP_KSQL_URL: ksql.url },
    )
    const sink = ports.sink()
    await sink.send(Array.from({ length: 5 }, (_, i) => ({ topic, key: null, value: JSON.stringify({ i }) })))
    // Far below --max-file-records: only the idle timeout can bring these rows into the lake.
    let rows: Record<string, unknown>[] = []
    for (let i = 0; i < 600 && rows.length < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      rows = await lakeRows(root, 'streams')
    }
    expect(rows.map((r) => r['i'])).toEqual([0, 1, 2, 3, 4])
    await sink.send([{ topic, key: null, value: '{"i":5}' }])
    await sink.close()
    child.kill('SIGTERM')
    const result = await child
    expect(result.exitCode, String(result.stderr)).toBe(0)
    // The record sent just before SIGTERM was either flushed by the timer or on shutdown; never lost.
    const offsets = (await lakeRows(root, 'streams')).map((r) => r['_offset'])
    const catchUp = await sinkBatch(root, ['--topics', topic])
    expect(catchUp.exitCode).toBe(0)
    const all = (await lakeRows(root, 'streams')).map((r) => r['_offset'])
    expect(all).toEqual([0, 1, 2, 3, 4, 5])
    expect(offsets.length).toBeGreaterThanOrEqual(5)
  })
})

describe('dip consume lake options and errors', () => {
  it('writes Parquet files that read back with the same rows', async () => {
    const root = await freshLake()
    const result = await sinkBatch(root, ['--format', 'parquet', '--topics', topics.orders])
    expect(result.stderr).not.toMatch(/error/i)
    expect(result.exitCode).toBe(0)
    const files = await lakeFiles(root)
    const parquet = files.filter((f) => f.endsWith('.parquet'))
    expect(parquet.length).toBeGreaterThan(0)
    // Dead letters stay JSON Lines, readable as text.
    expect(files.filter((f) => f.startsWith('_errors/')).every((f) => f.endsWith('.jsonl'))).toBe(true)
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    const reader = await duck.runAndReadAll(
      `SELECT count(*) AS n, count(DISTINCT (_partition, _offset)) AS d, max(LOCATION.city) AS city FROM read_parquet(${`'${root}/streams/**/*.parquet'`})`,
    )
    expect(reader.getRowObjectsJson()).toEqual([{ n: '40', d: '40', city: 'Paris' }])
    duck.closeSync()
    // Parquet output is deterministic too: a second run from scratch writes the same bytes.
    const again = await freshLake()
    expect((await sinkBatch(again, ['--format', 'parquet', '--topics', topics.orders])).exitCode).toBe(0)
    expect(await lakeDigest(again)).toEqual(await lakeDigest(root))
  })

  it('uses the config feeds alone when ksqlDB is unreachable, and says so', async () => {
    const root = await freshLake()
    const result = await dip(
      ['consume', 'lake', '--batch', '--json', '--lake-root', root, '--topics', topics.counts],
      {
        DIP_KSQL_URL: 'http://127.0.0.1:9',
      },
    )
    expect(result.exitCode).toBe(0)
    expect(String(result.stderr)).toMatch(/not reachable/)
    const rows = await lakeRows(root, 'streams')
    // Without a schema the key is a plain KEY column and the value's fields are the columns.
    expect(rows.find((r) => r['_offset'] === 0)).toMatchObject({ KEY: 'PROD-101', PURCHASE_COUNT: 7 })
  })

  it('rejects an unknown topic with exit code 2 and lists the existing ones', async () => {
    const result = await sinkBatch(await freshLake(), ['--topics', 'no-such-topic'])
    expect(result.exitCode).toBe(2)
    expect(String(result.stderr)).toMatch(/unknown topic: no-such-topic/)
    expect(String(result.stderr)).toContain(topics.orders)
  })

  it('rejects bad flags with exit code 2', async () => {
    const format = await dip(['consume', 'lake', '--format', 'csv'])
    expect(format.exitCode).toBe(2)
    expect(String(format.stderr)).toMatch(/--format/)
    const records = await dip(['consume', 'lake', '--max-file-records', '0'])
    expect(records.exitCode).toBe(2)
  })
})
