/**
 * Benchmark: `dip consume warehouse --batch` over lab events next to a raw mysql2 multi-row upsert
 * of the same rows, measured in the same run against the stack of the current config (`dip up`).
 *
 *   npm run bench -- sinks                                   (part of the sinks suite, 200,000 events)
 *   node --import tsx bench/warehouse.ts [--events 200000]   (alone: produces its own events)
 *
 * The topic holds lab events keyed by transaction_id (`dip produce --key transaction_id`), read as a
 * table with the lab's full event schema (TRANSACTIONS_FULL: scalars, STRUCTs stored as JSON), so
 * every event is one row. The sink runs as its own `node bin/dip.js` process, as users run it: its
 * rate is its own figure (start to end of the command: ksqlDB lookup, MySQL setup, Kafka, decode,
 * convert, upsert, dip_offsets), with the process's peak RSS (GNU time, when installed) and its
 * rate from spawn to exit. The raw side then reads the rows the sink wrote and upserts exactly
 * those into an identical table, 1,000 rows a statement, one transaction each: the same rows,
 * without Kafka, decoding or bookkeeping, in the order the sink received them.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { KsqlField } from '../src/ksql-client/wire-types.ts'
import { loadConfig } from '../src/config/load-config.ts'
import { createKafkaPorts } from '../src/kafka/kafkajs-client.ts'
import { buildUpsert } from '../src/mysql/build-upsert.ts'
import { connectMysql } from '../src/mysql/connect.ts'
import { withTransaction, type MysqlPool } from '../src/mysql/mysql-port.ts'
import { startKsqlStub, tableDescription } from '../test/integration/warehouse-helpers.ts'

export interface WarehouseBenchResult {
  readonly name: 'warehouse'
  readonly topic: string
  readonly events: number
  /** Rows in the sink's table after the run (one per transaction_id). */
  readonly rows: number
  readonly columns: number
  /** The command's own figure: from its start to its return, as it prints it. */
  readonly sinkRecordsPerSecond: number
  /** From spawning the process to its exit: Node startup and module loading included. */
  readonly sinkProcessRecordsPerSecond: number
  /** Peak RSS of the dip process; null without GNU time (/usr/bin/time). */
  readonly sinkPeakRssMb: number | null
  /** The same batch through dip's own loop without Beam (`--runner dip`), in the same run. */
  readonly loopRecordsPerSecond: number
  readonly loopPeakRssMb: number | null
  /** The same pipeline on Flink (`--runner flink`, the job server's embedded Flink), same run. */
  readonly flinkRecordsPerSecond: number
  readonly flinkPeakRssMb: number | null
  readonly flinkStages: readonly { readonly stage: string; readonly seconds: number }[]
  /** Where the Beam pipeline's time went: each stage's own seconds. */
  readonly stages: readonly { readonly stage: string; readonly seconds: number }[]
  readonly rawUpsertRowsPerSecond: number
  /** The same rows sorted by key (appends to the index): shown for comparison, not the reference. */
  readonly rawSortedUpsertRowsPerSecond: number
  /** sinkRecordsPerSecond / rawUpsertRowsPerSecond (goal ≥ 0.5). */
  readonly ratio: number
}

const ROWS_PER_STATEMENT = 1000
const CLI_MAIN = new URL('../dist/cli/main.js', import.meta.url)

type Schema = KsqlField['schema']
const scalar = (type: string): Schema => ({ type })
const struct = (...names: string[]): Schema => ({
  type: 'STRUCT',
  fields: names.map((name) => ({ name, schema: scalar('STRING') })),
})

/** The lab event's columns as ksql/V000004__transactions_full.sql declares them, but the key. */
const LAB_EVENT_VALUE: Readonly<Record<string, Schema>> = {
  timestamp: scalar('STRING'),
  USER_ID: scalar('STRING'),
  USER_NAME: scalar('STRING'),
  PRODUCT_ID: scalar('STRING'),
  AMOUNT: scalar('DOUBLE'),
  CURRENCY: scalar('STRING'),
  TRANSACTION_TYPE: scalar('STRING'),
  STATUS: scalar('STRING'),
  LOCATION: struct('CITY', 'COUNTRY'),
  PAYMENT_METHOD: scalar('STRING'),
  PRODUCT_CATEGORY: scalar('STRING'),
  QUANTITY: scalar('INTEGER'),
  SHIPPING_ADDRESS: struct('STREET', 'ZIP', 'CITY', 'COUNTRY'),
  DEVICE_INFO: struct('OS', 'BROWSER', 'IP_ADDRESS'),
  CUSTOMER_RATING: scalar('INTEGER'),
  DISCOUNT_CODE: scalar('STRING'),
  TAX_AMOUNT: scalar('DOUBLE'),
  THREAD: scalar('INTEGER'),
  MESSAGE_NUMBER: scalar('INTEGER'),
  TIMESTAMP_OF_RECEPTION_LOG: scalar('STRING'),
}

/** Sinks `topic` (lab events keyed by transaction_id) with dip, then upserts the same rows raw. */
export async function benchWarehouse(options: {
  readonly topic: string
  readonly events: number
  readonly log: (line: string) => void
}): Promise<WarehouseBenchResult> {
  const { topic, events, log } = options
  if (!existsSync(fileURLToPath(CLI_MAIN)))
    throw new Error(`bench/warehouse: ${fileURLToPath(CLI_MAIN)} is missing; run \`npm run build\` first`)
  const { config } = loadConfig()
  const id = randomUUID().slice(0, 8)
  const sinkTable = `bench_wh_${id}`
  const rawTable = `${sinkTable}_raw`
  const sortedTable = `${sinkTable}_sorted`
  const consumer = `bench-${id}`
  const pool = await connectMysql(config.mysql)
  // The table's schema comes from DESCRIBE, as for a ksqlDB table: a stand-in server answers it.
  const ksql = await startKsqlStub()
  ksql.register(
    tableDescription({
      name: sinkTable.toUpperCase(),
      topic,
      key: { TRANSACTION_ID: scalar('STRING') },
      value: LAB_EVENT_VALUE,
    }),
  )
  try {
    // dip's own batch loop first (--runner dip), into a table dropped afterwards: the Beam
    // pipeline below is compared with it in the same run.
    log(`  warehouse: dip consume warehouse --batch --runner dip of ${events} events`)
    const loop = await runCli(
      [
        '--json',
        'consume',
        'warehouse',
        '--batch',
        '--runner',
        'dip',
        '--auto-create',
        '--topics',
        topic,
        '--consumer',
        `${consumer}-loop`,
      ],
      { DIP_KSQL_URL: ksql.url },
    )
    if (loop.result.records !== events)
      throw new Error(`dip's loop read ${loop.result.records} of ${events} records`)
    for (const table of loop.result.tables) await pool.query(`DROP TABLE IF EXISTS \`${table.table}\``)
    log(`  warehouse: dip consume warehouse --batch --runner flink of ${events} events`)
    const flink = await runCli(
      [
        '--json',
        'consume',
        'warehouse',
        '--batch',
        '--runner',
        'flink',
        '--auto-create',
        '--topics',
        topic,
        '--consumer',
        `${consumer}-flink`,
      ],
      { DIP_KSQL_URL: ksql.url },
    )
    if (flink.result.records !== events)
      throw new Error(`the Flink runner read ${flink.result.records} of ${events} records`)
    for (const table of flink.result.tables) await pool.query(`DROP TABLE IF EXISTS \`${table.table}\``)
    log(
      `  warehouse: dip consume warehouse --batch (Beam, direct runner) of ${events} events into ${sinkTable}`,
    )
    const cli = await runCli(
      [
        '--json',
        'consume',
        'warehouse',
        '--batch',
        '--auto-create',
        '--topics',
        topic,
        '--consumer',
        consumer,
      ],
      { DIP_KSQL_URL: ksql.url },
    )
    // A topic read as a table lands in the table named after the ksqlDB table, lower case.
    const created = cli.result.tables[0]?.table
    if (cli.result.records !== events || created === undefined)
      throw new Error(`dip read ${cli.result.records} of ${events} records`)
    if (created !== sinkTable) await pool.query(`RENAME TABLE \`${created}\` TO \`${sinkTable}\``)

    log('  warehouse: raw mysql2 multi-row upsert of the same rows')
    const { columns, keyColumns, rows: byKey } = await readRows(pool, config.mysql.database, sinkTable)
    // In the order the sink received them: random keys hit random index pages, as for the sink
    // (the table's own order, sorted by key, would append and run several times faster).
    const rows = inTopicOrder(byKey, await keysInTopicOrder(config.kafka.brokers, topic, events))
    // Generated ids repeat now and then (one in ~10,000): those events update their row.
    if (rows.length < events * 0.99) throw new Error(`the sink's table holds ${rows.length} rows`)
    const rawRate = await rawUpsert(pool, sinkTable, rawTable, columns, keyColumns, rows)
    // For comparison only, not the reference: the same rows sorted by key append to the index.
    log('  warehouse: raw mysql2 multi-row upsert of the same rows sorted by key (for comparison)')
    const sorted = [...byKey.keys()].sort().map((key) => byKey.get(key) ?? [])
    const sortedRate = await rawUpsert(pool, sinkTable, sortedTable, columns, keyColumns, sorted)
    return {
      name: 'warehouse',
      topic,
      events,
      rows: rows.length,
      columns: columns.length,
      sinkRecordsPerSecond: cli.result.recordsPerSecond,
      sinkProcessRecordsPerSecond: Math.round(events / (cli.ms / 1000)),
      sinkPeakRssMb: cli.peakRssMb,
      loopRecordsPerSecond: loop.result.recordsPerSecond,
      loopPeakRssMb: loop.peakRssMb,
      flinkRecordsPerSecond: flink.result.recordsPerSecond,
      flinkPeakRssMb: flink.peakRssMb,
      flinkStages: flink.result.stages ?? [],
      stages: cli.result.stages ?? [],
      rawUpsertRowsPerSecond: rawRate,
      rawSortedUpsertRowsPerSecond: sortedRate,
      ratio: Math.round((cli.result.recordsPerSecond / rawRate) * 100) / 100,
    }
  } finally {
    for (const table of [sinkTable, rawTable, sortedTable])
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``).catch(() => undefined)
    await pool
      .query('DELETE FROM dip_offsets WHERE consumer IN (?, ?, ?)', [
        consumer,
        `${consumer}-loop`,
        `${consumer}-flink`,
      ])
      .catch(() => undefined)
    await pool.end()
    await ksql.close()
  }
}

/** Upserts `rows` into a new table like `likeTable`, 1,000 a statement, one transaction each; rows/s. */
async function rawUpsert(
  pool: MysqlPool,
  likeTable: string,
  table: string,
  columns: readonly string[],
  keyColumns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<number> {
  await pool.query(`CREATE TABLE \`${table}\` LIKE \`${likeTable}\``)
  const started = performance.now()
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const statement = buildUpsert(table, columns, rows.slice(start, start + ROWS_PER_STATEMENT), {
      keyColumns,
    })
    await withTransaction(pool, (connection) => connection.query(statement.sql, statement.params))
  }
  return Math.round(rows.length / ((performance.now() - started) / 1000))
}

/** Every row of the sink's table as upsert parameters (the server-filled timestamp left out). */
async function readRows(pool: MysqlPool, database: string, table: string) {
  const { rows: described } = await pool.query(
    `SELECT COLUMN_NAME AS name, COLUMN_KEY AS \`key\` FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME <> 'last_updated_at' ORDER BY ORDINAL_POSITION`,
    [database, table],
  )
  const columns = described.map((row) => String(row['name']))
  const keyColumns = described.filter((row) => row['key'] === 'PRI').map((row) => String(row['name']))
  const { rows } = await pool.query(`SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM \`${table}\``)
  // JSON columns come back parsed; they are sent back as the JSON text the sink sent.
  const isDocument = (value: unknown) =>
    value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)
  const values = new Map<string, unknown[]>()
  const [keyColumn = ''] = keyColumns
  for (const row of rows)
    values.set(
      String(row[keyColumn]),
      columns.map((column) => (isDocument(row[column]) ? JSON.stringify(row[column]) : row[column])),
    )
  return { columns, keyColumns, rows: values }
}

/** The topic's keys as a consumer receives them (partition batches in fetch order). */
async function keysInTopicOrder(
  brokers: readonly string[],
  topic: string,
  events: number,
): Promise<string[]> {
  const kafka = createKafkaPorts({ brokers, clientId: 'dip-bench' })
  const source = kafka.source({ groupId: `bench-order-${randomUUID().slice(0, 8)}`, fromBeginning: true })
  const keys: string[] = []
  const done = new AbortController()
  await source.run({
    topics: [topic],
    signal: done.signal,
    eachBatch: async (batch) => {
      for (const record of batch.records) keys.push(record.key?.toString('utf8') ?? '')
      if (keys.length >= events) done.abort()
    },
  })
  await source.close()
  return keys
}

/** Each key's row once, at the key's first place in `keys`. */
function inTopicOrder(byKey: ReadonlyMap<string, unknown[]>, keys: readonly string[]): unknown[][] {
  const seen = new Set<string>()
  const rows: unknown[][] = []
  for (const key of keys) {
    const row = byKey.get(key)
    if (row === undefined || seen.has(key)) continue
    seen.add(key)
    rows.push(row)
  }
  return rows
}

interface CliWarehouseResult {
  readonly records: number
  readonly recordsPerSecond: number
  readonly tables: readonly { readonly table: string }[]
  readonly stages?: readonly { readonly stage: string; readonly seconds: number }[]
}

/** `node bin/dip.js <args>` under GNU time (when installed) for its peak RSS; wall time from spawn to exit. */
async function runCli(args: readonly string[], env: Record<string, string>) {
  const rssFile = join(tmpdir(), `dip-bench-rss-${randomUUID().slice(0, 8)}`)
  const gnuTime = existsSync('/usr/bin/time')
  const bin = fileURLToPath(new URL('../bin/dip.js', import.meta.url))
  const started = performance.now()
  const child = await execa(
    gnuTime ? '/usr/bin/time' : 'node',
    gnuTime ? ['-f', '%M', '-o', rssFile, 'node', bin, ...args] : [bin, ...args],
    { env: { ...env, NO_COLOR: '1' }, reject: false },
  )
  const ms = performance.now() - started
  if (child.exitCode !== 0) throw new Error(`dip ${args.join(' ')} failed:\n${String(child.stderr)}`)
  let peakRssMb: number | null = null
  if (gnuTime) {
    const kb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1))
    peakRssMb = Number.isFinite(kb) ? Math.round(kb / 1024) : null
    await rm(rssFile, { force: true })
  }
  return { result: JSON.parse(String(child.stdout)) as CliWarehouseResult, ms, peakRssMb }
}

/** Alone: produce `--events` lab events keyed by transaction_id, bench, delete the topic. */
async function main(args: readonly string[]): Promise<void> {
  const at = args.indexOf('--events')
  const events = at < 0 ? 200_000 : Number(args[at + 1])
  if (!Number.isInteger(events) || events <= 0)
    throw new Error('--events needs a whole number greater than 0')
  const topic = `bench_wh_lab_${randomUUID().slice(0, 8)}`
  const log = (line: string) => void process.stderr.write(`${line}\n`)
  const bin = fileURLToPath(new URL('../bin/dip.js', import.meta.url))
  const admin = createKafkaPorts({
    brokers: loadConfig().config.kafka.brokers,
    clientId: 'dip-bench',
  }).admin()
  try {
    log(`warehouse bench: producing ${events} lab events to ${topic}`)
    await execa('node', [
      bin,
      'produce',
      '--json',
      '--count',
      String(events),
      '--topic',
      topic,
      '--partitions',
      '3',
      '--key',
      'transaction_id',
    ])
    const result = await benchWarehouse({ topic, events, log })
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  } finally {
    await admin.deleteTopics([topic]).catch(() => undefined)
    await admin.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
