import { describe, expect, it } from 'vitest'
import { createInMemoryBroker } from '../kafka/in-memory-broker.ts'
import type { ConsumedRecord, TopicPartitionOffset } from '../kafka/ports.ts'
import { DOUBLE, STRING } from '../ksql-engine/types/sql-type.ts'
import type { QueryResult } from '../mysql/mysql-port.ts'
import { mapColumns } from './column-mapping.ts'
import { createReconnectingSession } from './reconnecting-session.ts'
import { runWarehouseSink, type SinkTable } from './run-warehouse-sink.ts'
import { bound, keyColumn, mysqlColumn } from './test-fixtures.ts'
import type { WarehouseConnection } from './warehouse-connection.ts'
import type { WarehouseRecord } from './warehouse-record.ts'

/**
 * A MySQL stand-in that understands the statements the writer sends (one table `t` keyed by its
 * first column, dip_offsets, dip_rejects) and applies them on COMMIT only, like a transaction.
 */
function createFakeDatabase(options: { failStatement?: (sql: string, count: number) => unknown } = {}) {
  const table = new Map<string, unknown[]>()
  const offsets = new Map<string, bigint>()
  const rejects: unknown[][] = []
  let statements = 0
  const result = (rows: Record<string, unknown>[] = []): QueryResult => ({
    rows,
    affectedRows: 1,
    warningCount: 0,
  })
  const groups = (params: readonly unknown[], width: number) =>
    Array.from({ length: params.length / width }, (_, i) => params.slice(i * width, i * width + width))
  const connect = (): Promise<WarehouseConnection> => {
    let pending: (() => void)[] = []
    return Promise.resolve({
      query(sql: string, params: readonly unknown[] = []) {
        statements += 1
        const failure = options.failStatement?.(sql, statements)
        if (failure !== undefined) {
          pending = []
          return Promise.reject(failure as Error)
        }
        if (sql === 'START TRANSACTION' || sql === 'ROLLBACK') pending = []
        else if (sql === 'COMMIT') {
          for (const apply of pending) apply()
          pending = []
        } else if (sql.startsWith('SELECT topic')) {
          const [consumer, ...topics] = params
          const rows = [...offsets]
            .map(([k, next]) => [...k.split('|'), next] as const)
            .filter(([c, topic]) => c === consumer && topics.includes(topic))
            .map(([, topic, partition, next]) => ({
              topic,
              partition: Number(partition),
              next_offset: String(next),
            }))
          return Promise.resolve(result(rows))
        } else if (sql.startsWith('SELECT next_offset')) {
          const stored = offsets.get(params.join('|'))
          return Promise.resolve(result(stored === undefined ? [] : [{ next_offset: String(stored) }]))
        } else if (sql.startsWith('INSERT INTO `dip_offsets`')) {
          for (const [c, topic, partition, next] of groups(params, 4))
            pending.push(() =>
              offsets.set(`${String(c)}|${String(topic)}|${String(partition)}`, BigInt(String(next))),
            )
        } else if (sql.startsWith('INSERT INTO `dip_rejects`')) {
          for (const row of groups(params, 8)) pending.push(() => rejects.push(row))
        } else if (sql.startsWith('INSERT INTO `t`')) {
          for (const row of groups(params, 2)) pending.push(() => table.set(String(row[0]), row))
        } else if (sql.startsWith('DELETE FROM `t`')) {
          for (const id of params) pending.push(() => table.delete(String(id)))
        } else throw new Error(`unexpected statement: ${sql}`)
        return Promise.resolve(result())
      },
      close: () => Promise.resolve(),
    })
  }
  return { table, offsets, rejects, connect }
}

const boundTable = bound(
  mapColumns({
    topic: 'T',
    name: 'T',
    windowType: null,
    columns: [
      { name: 'ID', type: STRING, role: 'key' },
      { name: 'N', type: DOUBLE, role: 'value' },
    ],
  }),
  [keyColumn('id', 'varchar(16)'), mysqlColumn('n', 'int(11)')],
)

const decode = (record: ConsumedRecord): WarehouseRecord => {
  const ref = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
  }
  const key = { ID: record.key?.toString() }
  if (record.value === null) return { kind: 'delete', ref, key }
  return { kind: 'row', ref, row: { ...key, ...(JSON.parse(record.value.toString()) as object) } }
}
const sinkTable: SinkTable = { table: boundTable, decode }

async function setUp(records: readonly [string, number | null][]) {
  const broker = createInMemoryBroker({ topics: { T: 2 }, maxBatchRecords: 3 })
  const sink = broker.sink()
  await sink.send(
    records.map(([key, n]) => ({ topic: 'T', key, value: n === null ? null : JSON.stringify({ N: n }) })),
  )
  const last = new Map<string, number>()
  for (const [key, n] of records) {
    if (n === null) last.delete(key)
    else last.set(key, n)
  }
  return { broker, last }
}

function run(
  broker: ReturnType<typeof createInMemoryBroker>,
  db: ReturnType<typeof createFakeDatabase>,
  signal = new AbortController().signal,
) {
  return runWarehouseSink(
    { consumer: 'c', mode: 'batch', tables: [sinkTable], maxRowsPerStatement: 2 },
    {
      admin: broker.admin(),
      source: broker.source({ groupId: 'g' }),
      session: createReconnectingSession(db.connect, { sleep: () => Promise.resolve() }),
      signal,
    },
  )
}

const RECORDS: [string, number | null][] = [
  ['a', 1],
  ['b', 2],
  ['a', 3],
  ['c', 4],
  ['b', null],
  ['d', 5],
  ['c', 6],
  ['e', 7],
  ['a', 8],
]

describe('runWarehouseSink', () => {
  it('leaves the last value of each key and stores the end of every partition', async () => {
    const { broker, last } = await setUp(RECORDS)
    const db = createFakeDatabase()
    const summary = await run(broker, db)
    expect(new Map([...db.table].map(([id, row]) => [id, row[1]]))).toEqual(last)
    const high = await broker.admin().topicOffsets('T')
    for (const { partition, high: end } of high.filter((p) => p.high > 0n))
      expect(db.offsets.get(`c|T|${partition}`)).toBe(end)
    expect(summary.records).toBe(RECORDS.length)
    expect(summary.upToDate).toBe(false)
    expect(broker.committed('g', 'T').map((p) => p.offset)).toEqual(
      high.filter((p) => p.high > 0n).map((p) => p.high),
    )
  })

  it('reads with its own group and commits the group offsets once, at the end, through the committer', async () => {
    const { broker } = await setUp(RECORDS)
    const commits: TopicPartitionOffset[][] = []
    await runWarehouseSink(
      { consumer: 'c', mode: 'batch', tables: [sinkTable], maxRowsPerStatement: 2, recordsPerWrite: 1 },
      {
        admin: broker.admin(),
        source: broker.source({ groupId: 'run-1' }),
        groupCommitter: { commit: (offsets) => Promise.resolve(void commits.push([...offsets])) },
        session: createReconnectingSession(createFakeDatabase().connect, { sleep: () => Promise.resolve() }),
        signal: new AbortController().signal,
      },
    )
    const ends = (await broker.admin().topicOffsets('T')).filter((p) => p.high > 0n)
    expect(commits).toHaveLength(1)
    expect([...(commits[0] ?? [])].sort((a, b) => a.partition - b.partition)).toEqual(
      ends.map((p) => ({ topic: 'T', partition: p.partition, offset: p.high })),
    )
    expect(broker.committed('run-1', 'T')).toEqual([])
  })

  it('has nothing to do on a second run', async () => {
    const { broker } = await setUp(RECORDS)
    const db = createFakeDatabase()
    await run(broker, db)
    const again = await run(broker, db)
    expect(again).toMatchObject({ upToDate: true, records: 0 })
  })

  it('resumes from dip_offsets, not from the consumer group, and writes the rest once', async () => {
    const { broker, last } = await setUp(RECORDS)
    const db = createFakeDatabase()
    await run(broker, db)
    // A later run that lost its group offsets but has MySQL's positions reads only new records.
    const sink = broker.sink()
    await sink.send([{ topic: 'T', key: 'a', value: JSON.stringify({ N: 99 }) }])
    last.set('a', 99)
    const summary = await run(broker, db)
    expect(summary.records).toBe(1)
    expect(new Map([...db.table].map(([id, row]) => [id, row[1]]))).toEqual(last)
  })

  it('retries a batch whose connection broke, without writing anything twice', async () => {
    const { broker, last } = await setUp(RECORDS)
    let failures = 0
    const db = createFakeDatabase({
      failStatement: (sql) => {
        if (sql === 'COMMIT' && failures < 2) {
          failures += 1
          return Object.assign(new Error('Connection lost'), {
            code: 'PROTOCOL_CONNECTION_LOST',
            fatal: true,
          })
        }
        return undefined
      },
    })
    await run(broker, db)
    expect(failures).toBe(2)
    expect(new Map([...db.table].map(([id, row]) => [id, row[1]]))).toEqual(last)
  })

  it('reports a table MySQL refuses for another reason, writing nothing of it and keeping its position', async () => {
    const { broker } = await setUp(RECORDS)
    const denied = Object.assign(new Error("INSERT command denied to user 'dip'"), {
      errno: 1142,
      code: 'ER_TABLEACCESS_DENIED_ERROR',
    })
    const db = createFakeDatabase({
      failStatement: (sql) => (sql.startsWith('INSERT INTO `t`') ? denied : undefined),
    })
    const summary = await run(broker, db)
    expect(summary.failed).toEqual([
      {
        topic: 'T',
        table: 't',
        stage: 'write',
        error:
          "MySQL refused a write to table t (topic T): ER_TABLEACCESS_DENIED_ERROR (1142): INSERT command denied to user 'dip'",
        fix: expect.stringMatching(/its records were kept, it resumes at offset\(s\) \[0\] 0, \[1\] 0\.$/),
      },
    ])
    expect(summary.records).toBe(0)
    expect(db.offsets.size).toBe(0)
  })

  it('writes the other tables when one table is refused, in batch and in streaming mode', async () => {
    const broker = createInMemoryBroker({ topics: { T: 2, U: 1 }, maxBatchRecords: 2 })
    await broker.sink().send([
      ...RECORDS.map(([key, n]) => ({
        topic: 'T',
        key,
        value: n === null ? null : JSON.stringify({ N: n }),
      })),
      ...['x', 'y', 'z'].map((key) => ({ topic: 'U', key, value: JSON.stringify({ N: 1 }) })),
    ])
    const refused = Object.assign(new Error('refused by a trigger'), {
      errno: 1644,
      code: 'ER_SIGNAL_EXCEPTION',
    })
    // Table u refuses every write (a trigger, a dropped column...); t is fine.
    const db = createFakeDatabase({
      failStatement: (sql) => (sql.startsWith('INSERT INTO `u`') ? refused : undefined),
    })
    const other: SinkTable = { table: { ...boundTable, topic: 'U', sourceName: 'U', table: 'u' }, decode }
    const warnings: string[] = []
    const sink = (mode: 'batch' | 'stream', signal: AbortSignal) =>
      runWarehouseSink(
        { consumer: 'c', mode, tables: [other, sinkTable], recordsPerWrite: 1 },
        {
          admin: broker.admin(),
          source: broker.source({ groupId: `g-${mode}` }),
          session: createReconnectingSession(db.connect, { sleep: () => Promise.resolve() }),
          signal,
          onWarning: (message) => warnings.push(message),
        },
      )
    const batch = await sink('batch', new AbortController().signal)
    expect(batch.failed.map((f) => [f.topic, f.table, f.stage])).toEqual([['U', 'u', 'write']])
    expect(warnings).toEqual([expect.stringContaining('ER_SIGNAL_EXCEPTION (1644): refused by a trigger')])
    expect(batch.tables.get('t')?.records).toBe(RECORDS.length)
    expect([...db.offsets.keys()].filter((key) => key.startsWith('c|U|'))).toEqual([])

    // More records for both: a streaming run writes t's while u stays where it was.
    await broker.sink().send([
      { topic: 'T', key: 'new', value: JSON.stringify({ N: 42 }) },
      { topic: 'U', key: 'w', value: JSON.stringify({ N: 2 }) },
    ])
    const stop = new AbortController()
    const streaming = sink('stream', stop.signal)
    while (db.table.get('new') === undefined) await new Promise((resolve) => setImmediate(resolve))
    stop.abort()
    const streamed = await streaming
    expect(streamed.failed.map((f) => f.topic)).toEqual(['U'])
    expect(streamed.tables.get('t')?.records).toBe(1)
    expect([...db.offsets.keys()].filter((key) => key.startsWith('c|U|'))).toEqual([])
  })

  it('writes a big fetch as several transactions, each with its own end position', async () => {
    const records: [string, number][] = Array.from({ length: 9 }, (_, i) => [`k${i}`, i])
    const broker = createInMemoryBroker({ topics: { T: 1 }, maxBatchRecords: 100 })
    await broker
      .sink()
      .send(records.map(([key, n]) => ({ topic: 'T', key, value: JSON.stringify({ N: n }) })))
    const committed: string[] = []
    const db = createFakeDatabase({
      failStatement: (sql) => {
        if (sql === 'COMMIT') committed.push(String(db.table.size))
        return undefined
      },
    })
    const summary = await runWarehouseSink(
      { consumer: 'c', mode: 'batch', tables: [sinkTable], recordsPerWrite: 4 },
      {
        admin: broker.admin(),
        source: broker.source({ groupId: 'g' }),
        session: createReconnectingSession(db.connect, { sleep: () => Promise.resolve() }),
        signal: new AbortController().signal,
      },
    )
    // One fetch of 9 records: parts of 4, 4 and 1 records, so three transactions.
    expect(summary).toMatchObject({ records: 9, batches: 3 })
    expect(committed).toHaveLength(3)
    expect(db.table.size).toBe(9)
    expect(db.offsets.get('c|T|0')).toBe(9n)
  })

  it('keeps the rows and the position of the parts of a fetch written before a table failed', async () => {
    const records: [string, number][] = Array.from({ length: 9 }, (_, i) => [`k${i}`, i])
    const broker = createInMemoryBroker({ topics: { T: 1 }, maxBatchRecords: 100 })
    await broker
      .sink()
      .send(records.map(([key, n]) => ({ topic: 'T', key, value: JSON.stringify({ N: n }) })))
    const denied = Object.assign(new Error("INSERT command denied to user 'dip'"), { errno: 1142 })
    let inserts = 0
    const db = createFakeDatabase({
      failStatement: (sql) => (sql.startsWith('INSERT INTO `t`') && ++inserts === 2 ? denied : undefined),
    })
    const summary = await runWarehouseSink(
      { consumer: 'c', mode: 'batch', tables: [sinkTable], recordsPerWrite: 4 },
      {
        admin: broker.admin(),
        source: broker.source({ groupId: 'g' }),
        session: createReconnectingSession(db.connect, { sleep: () => Promise.resolve() }),
        signal: new AbortController().signal,
      },
    )
    expect(summary.failed).toEqual([
      expect.objectContaining({ topic: 'T', fix: expect.stringContaining('resumes at offset(s) [0] 4') }),
    ])
    // The first part committed with its own position; a restart resumes right after it.
    expect([...db.table.keys()].sort()).toEqual(['k0', 'k1', 'k2', 'k3'])
    expect(db.offsets.get('c|T|0')).toBe(4n)
  })

  it('warns when dip_offsets points past the end of a partition (a recreated topic)', async () => {
    const { broker } = await setUp(RECORDS)
    const db = createFakeDatabase()
    db.offsets.set('c|T|0', 1000n)
    const warnings: string[] = []
    const summary = await runWarehouseSink(
      { consumer: 'c', mode: 'batch', tables: [sinkTable] },
      {
        admin: broker.admin(),
        source: broker.source({ groupId: 'g' }),
        session: createReconnectingSession(db.connect, { sleep: () => Promise.resolve() }),
        signal: new AbortController().signal,
        onWarning: (message) => warnings.push(message),
      },
    )
    expect(warnings).toEqual([
      expect.stringMatching(/^T\[0\]: dip_offsets says 1000 but the partition ends at \d+/),
    ])
    expect(summary.positions.find((p) => p.partition === 0)?.offset).toBe(1000n)
  })
})
