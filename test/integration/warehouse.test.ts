import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { KafkaPorts, ProducedRecord, TopicAdmin } from '../../src/kafka/ports.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import {
  closeWarehouseStack,
  dip,
  openWarehouseStack,
  produceTo,
  storedOffsets,
  tableDescription,
  tableRows,
  writeWarehouseConfig,
  type KsqlStub,
} from './warehouse-helpers.ts'

let kafka: KafkaPorts
let admin: TopicAdmin
let pool: MysqlPool
let ksql: KsqlStub
let seq = 0
const unique = (name: string) => `${name}_${process.pid}_${++seq}`

beforeAll(async () => {
  ;({ kafka, admin, pool, ksql } = await openWarehouseStack(inject('stack'), 'dip-it-warehouse'))
})

afterAll(() => closeWarehouseStack({ admin, pool, ksql }))

function produce(topic: string, partitions: number, records: readonly Omit<ProducedRecord, 'topic'>[]) {
  return produceTo({ kafka, admin }, topic, partitions, records)
}

const json = (value: unknown) => JSON.stringify(value)

function parseJsonOutput(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>
}

describe('dip consume warehouse --batch', () => {
  it('upserts a table with a multi-column JSON key, nested structs and tombstones, then has nothing to do', async () => {
    const topic = unique('TOTAL_PER_USER')
    ksql.register(
      tableDescription({
        name: topic,
        topic,
        keyFormat: 'JSON',
        key: { USER_ID: { type: 'STRING' }, TRANSACTION_TYPE: { type: 'STRING' } },
        value: {
          TOTAL_USD: { type: 'DECIMAL', parameters: { precision: 15, scale: 2 } },
          TXN_COUNT: { type: 'BIGINT' },
          LAST_LOCATION: {
            type: 'STRUCT',
            fields: [
              { name: 'CITY', schema: { type: 'STRING' } },
              { name: 'COUNTRY', schema: { type: 'STRING' } },
            ],
          },
          STATUSES: { type: 'ARRAY', memberSchema: { type: 'STRING' } },
          LAST_SEEN: { type: 'TIMESTAMP' },
        },
      }),
    )
    const key = (user: string, type: string) => json({ USER_ID: user, TRANSACTION_TYPE: type })
    const value = (total: number, count: number, city: string, statuses: string[]) =>
      json({
        TOTAL_USD: total,
        TXN_COUNT: count,
        LAST_LOCATION: { CITY: city, COUNTRY: 'France' },
        STATUSES: statuses,
        LAST_SEEN: 1744103942128 + count,
      })
    await produce(topic, 3, [
      { key: key('USER-1000', 'purchase'), value: value(10.5, 1, 'Paris', ['pending']) },
      { key: key('USER-1000', 'refund'), value: value(20, 1, 'Lyon', ['completed']) },
      { key: key('USER-2000', 'purchase'), value: value(30.25, 1, 'Nice', ['failed']) },
      { key: key('USER-1000', 'purchase'), value: value(110.75, 2, 'Paris', ['pending', 'completed']) },
      { key: key('USER-2000', 'purchase'), value: null },
      { key: key('USER-3000', 'payment'), value: value(5, 1, 'Lyon', []) },
    ])
    const config = await writeWarehouseConfig(inject('stack'), topic, { ksql: { url: ksql.url } })

    const first = await dip(config, [
      'consume',
      'warehouse',
      '--batch',
      '--auto-create',
      '--topics',
      topic,
      '--json',
    ])
    expect(first.stderr).not.toMatch(/unexpected error/)
    expect(first.exitCode, first.stderr).toBe(0)
    const result = parseJsonOutput(first.stdout)
    expect(result).toMatchObject({
      mode: 'batch',
      upToDate: false,
      records: 6,
      tables: [{ table: topic.toLowerCase(), topic, records: 6, rejected: 0 }],
    })

    const rows = await tableRows(
      pool,
      `SELECT user_id, transaction_type, total_usd, txn_count, last_location, statuses, last_seen FROM \`${topic.toLowerCase()}\` ORDER BY user_id, transaction_type`,
    )
    const parsed = rows.map((row) => ({
      ...row,
      last_location: JSON.parse(row['last_location'] ?? 'null') as unknown,
      statuses: JSON.parse(row['statuses'] ?? 'null') as unknown,
    }))
    expect(parsed).toEqual([
      {
        user_id: 'USER-1000',
        transaction_type: 'purchase',
        total_usd: '110.75',
        txn_count: '2',
        last_location: { CITY: 'Paris', COUNTRY: 'France' },
        statuses: ['pending', 'completed'],
        last_seen: '2025-04-08T09:19:02.130Z',
      },
      {
        user_id: 'USER-1000',
        transaction_type: 'refund',
        total_usd: '20.00',
        txn_count: '1',
        last_location: { CITY: 'Lyon', COUNTRY: 'France' },
        statuses: ['completed'],
        last_seen: '2025-04-08T09:19:02.129Z',
      },
      {
        user_id: 'USER-3000',
        transaction_type: 'payment',
        total_usd: '5.00',
        txn_count: '1',
        last_location: { CITY: 'Lyon', COUNTRY: 'France' },
        statuses: [],
        last_seen: '2025-04-08T09:19:02.129Z',
      },
    ])
    const { rows: keyColumns } = await pool.query(
      "SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
      [topic.toLowerCase()],
    )
    expect(keyColumns.map((row) => row['name'])).toEqual(['user_id', 'transaction_type'])

    const high = await admin.topicOffsets(topic)
    const stored = await storedOffsets(pool, 'warehouse', topic)
    // Partitions that never held a record have nothing to store.
    expect(stored).toEqual(new Map(high.filter((p) => p.high > 0n).map((p) => [p.partition, p.high])))
    // The batch read with a group of its own; the consumer's group gets the end positions for lag monitoring.
    expect(await admin.groupOffsets('dip-warehouse', topic)).toEqual(
      high.filter((p) => p.high > 0n).map((p) => ({ topic, partition: p.partition, offset: p.high })),
    )

    const second = await dip(config, ['consume', 'warehouse', '--batch', '--topics', topic])
    expect(second.exitCode).toBe(0)
    expect(`${second.stdout}${second.stderr}`).toMatch(/up to date: no new records, nothing written/)
    expect(await storedOffsets(pool, 'warehouse', topic)).toEqual(stored)
  })

  it('writes windowed keys with their window bounds in the primary key, renamed by the feed config', async () => {
    const topic = unique('TOTAL_5MIN')
    const table = topic.toLowerCase()
    ksql.register(
      tableDescription({
        name: topic,
        topic,
        windowType: 'HOPPING',
        statement: `CREATE TABLE ${topic} AS SELECT ... WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY TRANSACTION_TYPE;`,
        key: { TRANSACTION_TYPE: { type: 'STRING' } },
        value: { TOTAL_AMOUNT_5MIN: { type: 'DOUBLE' } },
      }),
    )
    // The lab's table (database/schema.sql): window start in the key, end a plain column.
    await pool.query(`CREATE TABLE \`${table}\` (
      window_start_time DATETIME(3) NOT NULL,
      transaction_type VARCHAR(32) NOT NULL,
      window_end_time DATETIME(3) NULL,
      total_amount_5min DECIMAL(15, 2) NOT NULL DEFAULT 0,
      last_updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
      PRIMARY KEY (window_start_time, transaction_type))`)
    const windowedKey = (type: string, startMs: number) => {
      const start = Buffer.alloc(8)
      start.writeBigInt64BE(BigInt(startMs))
      return Buffer.concat([Buffer.from(type), start])
    }
    const t0 = Date.UTC(2025, 3, 8, 9, 15)
    await produce(topic, 2, [
      { key: windowedKey('purchase', t0), value: json({ TOTAL_AMOUNT_5MIN: 100 }) },
      { key: windowedKey('purchase', t0 + 60_000), value: json({ TOTAL_AMOUNT_5MIN: 40 }) },
      { key: windowedKey('refund', t0), value: json({ TOTAL_AMOUNT_5MIN: 7.5 }) },
      { key: windowedKey('purchase', t0), value: json({ TOTAL_AMOUNT_5MIN: 150.5 }) },
      { key: windowedKey('refund', t0), value: null },
    ])
    const config = await writeWarehouseConfig(inject('stack'), topic, {
      ksql: { url: ksql.url },
      feeds: [
        {
          topic,
          kind: 'table',
          columns: { WINDOWSTART: 'window_start_time', WINDOWEND: 'window_end_time' },
        },
      ],
    })
    const run = await dip(config, ['consume', 'warehouse', '--batch', '--topics', topic])
    expect(run.stderr).not.toMatch(/^dip:/m)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(
      await tableRows(
        pool,
        `SELECT window_start_time, transaction_type, window_end_time, total_amount_5min FROM \`${table}\` ORDER BY window_start_time, transaction_type`,
      ),
    ).toEqual([
      {
        window_start_time: '2025-04-08T09:15:00.000Z',
        transaction_type: 'purchase',
        window_end_time: '2025-04-08T09:20:00.000Z',
        total_amount_5min: '150.50',
      },
      {
        window_start_time: '2025-04-08T09:16:00.000Z',
        transaction_type: 'purchase',
        window_end_time: '2025-04-08T09:21:00.000Z',
        total_amount_5min: '40.00',
      },
    ])
  })

  it('puts rows MySQL refuses into dip_rejects with the reason and writes the others', async () => {
    const topic = unique('COUNTS')
    const table = topic.toLowerCase()
    ksql.register(
      tableDescription({
        name: topic,
        topic,
        key: { PRODUCT_ID: { type: 'STRING' } },
        value: { AMOUNT: { type: 'DOUBLE' } },
      }),
    )
    await pool.query(
      `CREATE TABLE \`${table}\` (product_id VARCHAR(16) NOT NULL PRIMARY KEY, amount DECIMAL(5, 2) NULL)`,
    )
    await produce(topic, 1, [
      { key: 'PROD-1', value: json({ AMOUNT: 12.5 }) },
      { key: 'PROD-2', value: json({ AMOUNT: 123456.78 }) },
      { key: 'PROD-3', value: 'not json' },
      { key: 'PROD-4', value: json({ AMOUNT: 999.99 }) },
    ])
    const config = await writeWarehouseConfig(inject('stack'), topic, { ksql: { url: ksql.url } })
    const run = await dip(config, [
      'consume',
      'warehouse',
      '--batch',
      '--topics',
      topic,
      '--consumer',
      'rejects',
    ])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/2 record\(s\) rejected: see the dip_rejects table/)
    expect(await tableRows(pool, `SELECT * FROM \`${table}\` ORDER BY product_id`)).toEqual([
      { product_id: 'PROD-1', amount: '12.50' },
      { product_id: 'PROD-4', amount: '999.99' },
    ])
    const rejects = await tableRows(
      pool,
      `SELECT \`offset\`, table_name, CAST(record_key AS CHAR) AS record_key, reason FROM dip_rejects WHERE consumer = 'rejects' AND topic = '${topic}' ORDER BY \`offset\``,
    )
    expect(rejects).toEqual([
      {
        offset: '1',
        table_name: table,
        record_key: 'PROD-2',
        reason: expect.stringMatching(/Out of range value for column 'amount'/),
      },
      {
        offset: '2',
        table_name: table,
        record_key: 'PROD-3',
        reason: expect.stringMatching(/value: invalid JSON/),
      },
    ])
    expect(await storedOffsets(pool, 'rejects', topic)).toEqual(new Map([[0, 4n]]))
  })
})

describe('dip consume warehouse errors', () => {
  it('names a missing table and prints the CREATE TABLE that fixes it, writing nothing', async () => {
    const topic = unique('MISSING')
    ksql.register(
      tableDescription({
        name: topic,
        topic,
        key: { ID: { type: 'INTEGER' } },
        value: { NAME: { type: 'STRING' } },
      }),
    )
    await produce(topic, 1, [{ key: Buffer.from([0, 0, 0, 1]), value: json({ NAME: 'a' }) }])
    const config = await writeWarehouseConfig(inject('stack'), topic, { ksql: { url: ksql.url } })
    const run = await dip(config, ['consume', 'warehouse', '--batch', '--topics', topic])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain(`MySQL table ${topic.toLowerCase()} (for topic ${topic}) does not exist.`)
    expect(run.stderr).toContain(`CREATE TABLE IF NOT EXISTS \`${topic.toLowerCase()}\` (`)
    expect(run.stderr).toContain('PRIMARY KEY (`id`)')
    expect(await storedOffsets(pool, 'warehouse', topic)).toEqual(new Map())
  })

  it('names a column the table lacks, with the ALTER TABLE that adds it', async () => {
    const topic = unique('NOCOL')
    ksql.register(
      tableDescription({
        name: topic,
        topic,
        key: { ID: { type: 'STRING' } },
        value: { NAME: { type: 'STRING' }, N: { type: 'INTEGER' } },
      }),
    )
    await pool.query(
      `CREATE TABLE \`${topic.toLowerCase()}\` (id VARCHAR(8) NOT NULL PRIMARY KEY, name TEXT)`,
    )
    await produce(topic, 1, [{ key: 'a', value: json({ NAME: 'a', N: 1 }) }])
    const config = await writeWarehouseConfig(inject('stack'), topic, { ksql: { url: ksql.url } })
    const run = await dip(config, ['consume', 'warehouse', '--batch', '--topics', topic])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain(`lacks column(s) n.`)
    expect(run.stderr).toContain(`ALTER TABLE \`${topic.toLowerCase()}\` ADD COLUMN \`n\` INT NULL;`)
  })

  it('refuses unknown topics and bad flags as usage errors', async () => {
    const config = await writeWarehouseConfig(inject('stack'), 'usage', { ksql: { url: ksql.url } })
    const missing = await dip(config, ['consume', 'warehouse', '--batch', '--topics', 'NO_SUCH_TOPIC_XYZ'])
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('Unknown topic(s): NO_SUCH_TOPIC_XYZ.')
    const flag = await dip(config, ['consume', 'warehouse', '--max-rows', 'lots'])
    expect(flag.exitCode).toBe(2)
    expect(flag.stderr).toMatch(/--max-rows <n>.*invalid/)
    const consumer = await dip(config, [
      'consume',
      'warehouse',
      '--consumer',
      "x'; DROP TABLE dip_offsets; --",
    ])
    expect(consumer.exitCode).toBe(2)
    expect(consumer.stderr).toContain('is not a valid name')
  })
})
