import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { parse, stringify } from 'yaml'
import type { LabSummary } from '../../src/commands/lab.ts'
import { connectMysql } from '../../src/mysql/connect.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import { transactionRecords } from '../../src/produce/transaction-records.ts'
import { runDipCli } from './helpers/dip-cli.ts'

/**
 * `dip lab` end to end on the integration stack's Kafka, MariaDB and ksqlDB server, with a lake dir
 * and a database of its own. The expected figures come from the seeded generator, not from the
 * pipeline: the events `dip produce --seed 8 --count 2000` sends are computed here and aggregated.
 */
const COUNT = 2000
const SEED = 8
const database = `it_lab_${process.pid}`

afterAll(async () => {
  const pool = await connectMysql({ ...inject('stack').mysql, database: 'information_schema' })
  await pool.query(`DROP DATABASE IF EXISTS \`${database}\``)
  await pool.end()
})

interface Expected {
  readonly perType: Map<string, { count: number; total: number }>
  readonly perProduct: Map<string, number>
  /** Events of type purchase per product (ksql/V000010 PRODUCT_PURCHASES → product_purchase_counts). */
  readonly purchasesPerProduct: Map<string, number>
  /** USD per `user|type` (ksql/V000007 rates, V000011 → total_depense_par_user_type). */
  readonly usdPerUserType: Map<string, number>
  /** Statuses per transaction id, in order (V000012 → transaction_lifecycle). */
  readonly statuses: Map<string, string[]>
}

// ksql/V000007__transactions_usd.sql's conversion rates.
const USD_RATES: Readonly<Record<string, number>> = { EUR: 1.08, GBP: 1.24, CAD: 0.75, JPY: 0.007, AUD: 0.66 }

/** The aggregates of the events `dip produce --count <count> --seed <seed>` sends, from the pure generator. */
function expectedFromGenerator(count: number, seed: number, add?: Expected): Expected {
  const plan = {
    topic: 'transaction_log',
    count,
    seed,
    key: 'none',
    lifecycle: false,
    eventTime: false,
  } as const
  const perType = new Map(add?.perType)
  const perProduct = new Map(add?.perProduct)
  const purchasesPerProduct = new Map(add?.purchasesPerProduct)
  const usdPerUserType = new Map(add?.usdPerUserType)
  const statuses = new Map([...(add?.statuses ?? new Map<string, string[]>())].map(([id, s]) => [id, [...s]]))
  for (const chunk of transactionRecords(plan))
    for (const record of chunk) {
      const event = JSON.parse(String(record.value)) as {
        transaction_id: string
        transaction_type: string
        amount: number
        currency: string
        product_id: string
        user_id: string
        status: string
      }
      const sums = perType.get(event.transaction_type) ?? { count: 0, total: 0 }
      perType.set(event.transaction_type, { count: sums.count + 1, total: sums.total + event.amount })
      perProduct.set(event.product_id, (perProduct.get(event.product_id) ?? 0) + 1)
      if (event.transaction_type === 'purchase')
        purchasesPerProduct.set(event.product_id, (purchasesPerProduct.get(event.product_id) ?? 0) + 1)
      const userType = `${event.user_id}|${event.transaction_type}`
      const usd = event.amount * (USD_RATES[event.currency] ?? 1)
      usdPerUserType.set(userType, (usdPerUserType.get(userType) ?? 0) + usd)
      statuses.set(event.transaction_id, [...(statuses.get(event.transaction_id) ?? []), event.status])
    }
  return { perType, perProduct, purchasesPerProduct, usdPerUserType, statuses }
}

async function runLab(configFile: string, args: readonly string[]): Promise<LabSummary> {
  const result = await runDipCli(['--config', configFile, 'lab', ...args, '--json'], { timeoutMs: 600_000 })
  expect(result.exitCode, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as LabSummary
}

/** Every event the lab holds (`records` of them, in Kafka, the lake and MySQL) against the generator's figures. */
async function expectLabHolds(summary: LabSummary, records: number, expected: Expected): Promise<void> {
  const feed = (topic: string) => summary.feeds.find((f) => f.topic === topic)
  // The raw topic is written without transactions: its offsets are its records.
  expect(feed('transaction_log')).toMatchObject({
    topicOffsets: records,
    lakeRows: records,
    warehouseTable: null,
  })
  expect(feed('TRANSACTIONS_FLAT')?.lakeRows).toBe(records)
  // One warehouse row per transaction type (a table keyed by it), one per transaction id.
  expect(feed('AMOUNT_PER_TYPE')).toMatchObject({
    warehouseTable: 'amount_per_type',
    warehouseRows: expected.perType.size,
  })
  expect(feed('TRANSACTIONS_BY_ID')?.warehouseRows).toBe(records)

  // The lake's aggregates against the generator's.
  const perType = summary.aggregates.perTransactionType
  expect(perType.map((row) => [row.type, row.count])).toEqual(
    [...expected.perType.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, sums]) => [type, sums.count]),
  )
  for (const row of perType)
    expect(row.totalAmount).toBeCloseTo(expected.perType.get(row.type)?.total ?? NaN, 1)
  expect(summary.aggregates.topProducts[0]?.count).toBe(Math.max(...expected.perProduct.values()))

  // The warehouse's own aggregate (ksqlDB's SUM per type, upserted into MySQL), read from MySQL.
  const pool = await connectMysql({ ...inject('stack').mysql, database })
  try {
    const { rows } = await pool.query('SELECT transaction_type, total_amount FROM amount_per_type')
    expect(rows.length).toBe(expected.perType.size)
    for (const row of rows)
      expect(Number(row['total_amount'])).toBeCloseTo(
        expected.perType.get(String(row['transaction_type']))?.total ?? NaN,
        1,
      )
    await expectLabSchemaFilled(pool, expected)
  } finally {
    await pool.end()
  }
}

/**
 * The lab schema of database/schema.sql (every table but dip's bookkeeping and user_permissions)
 * holds the ksqlDB tables' results, each against the generator's events.
 */
async function expectLabSchemaFilled(pool: MysqlPool, expected: Expected): Promise<void> {
  const schema = await readFile(new URL('../../database/schema.sql', import.meta.url), 'utf8')
  const labTables = [...schema.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)]
    .map((match) => match[1] ?? '')
    .filter((table) => !['dip_offsets', 'dip_rejects', 'user_permissions'].includes(table))
  expect(labTables.sort()).toEqual([
    'product_purchase_counts',
    'total_depense_par_user_type',
    'total_par_type_5min_sliding',
    'transaction_lifecycle',
  ])
  for (const table of labTables) {
    const { rows } = await pool.query(`SELECT COUNT(*) AS n FROM \`${table}\``)
    expect(Number(rows[0]?.['n']), table).toBeGreaterThan(0)
  }

  const counts = await pool.query('SELECT product_id, purchase_count FROM product_purchase_counts')
  expect(
    new Map(counts.rows.map((row) => [String(row['product_id']), Number(row['purchase_count'])])),
  ).toEqual(expected.purchasesPerProduct)

  const spent = await pool.query(
    'SELECT user_id, transaction_type, total_depense_usd FROM total_depense_par_user_type',
  )
  expect(spent.rows.length).toBe(expected.usdPerUserType.size)
  for (const row of spent.rows) {
    const usd = expected.usdPerUserType.get(`${String(row['user_id'])}|${String(row['transaction_type'])}`)
    expect(Number(row['total_depense_usd'])).toBeCloseTo(usd ?? NaN, 1)
  }

  const lifecycle = await pool.query(
    'SELECT transaction_id, status_history, last_update_time FROM transaction_lifecycle',
  )
  expect(lifecycle.rows.length).toBe(expected.statuses.size)
  for (const row of lifecycle.rows) {
    const history = row['status_history']
    expect(typeof history === 'string' ? (JSON.parse(history) as unknown) : history).toEqual(
      expected.statuses.get(String(row['transaction_id'])),
    )
    expect(row['last_update_time']).not.toBeNull()
  }

  // Hopping windows of 5 minutes advancing by 1: every event is in 5 windows, so the windows'
  // totals add up to 5 times all amounts (each row rounded to cents).
  const sliding = await pool.query(
    'SELECT COUNT(*) AS n, SUM(total_amount_5min) AS total, SUM(window_end_time = window_start_time + INTERVAL 5 MINUTE) AS sized FROM total_par_type_5min_sliding',
  )
  const [windows] = sliding.rows
  const amounts = [...expected.perType.values()].reduce((sum, type) => sum + type.total, 0)
  expect(Number(windows?.['sized'])).toBe(Number(windows?.['n']))
  expect(Math.abs(Number(windows?.['total']) - 5 * amounts)).toBeLessThanOrEqual(
    0.005 * Number(windows?.['n']),
  )
}

describe('dip lab', () => {
  it('runs the whole lab, appends on re-runs (streaming, then batch), starts over with --reset; the summary matches the events', async () => {
    const stack = inject('stack')
    const dir = await mkdtemp(join(stack.workDir, 'lab-'))
    const base = parse(await readFile(stack.configFile, 'utf8')) as { mysql: Record<string, unknown> }
    const configFile = join(dir, 'dip.config.yaml')
    // Same stack (state dir included, so `up` finds it running); own lake and database.
    await writeFile(
      configFile,
      stringify({ ...base, mysql: { ...base.mysql, database }, lake: { root: join(dir, 'data_lake') } }),
    )

    const first = await runLab(configFile, ['--count', String(COUNT), '--seed', String(SEED)])
    expect(first).toMatchObject({
      ok: true,
      mode: 'native',
      alreadyRunning: true,
      sinks: 'batch',
      seed: SEED,
    })
    expect(first.produced.records).toBe(COUNT)
    expect(first.ksqlApplied).toBeGreaterThanOrEqual(13)
    const expected = expectedFromGenerator(COUNT, SEED)
    await expectLabHolds(first, COUNT, expected)

    // Again, with the streaming sinks for a while: new events (another seed) are appended; whatever
    // the sinks got to in that time is in the lake once, never more.
    const streamed = await runLab(configFile, [
      '--count',
      '500',
      '--stream',
      '--duration',
      '15s',
      '--skip-doctor',
    ])
    expect(streamed).toMatchObject({ sinks: 'stream', ksqlApplied: 0 })
    expect(streamed.seed).not.toBe(SEED)
    const raw = streamed.feeds.find((f) => f.topic === 'transaction_log')
    expect(raw?.topicOffsets).toBe(COUNT + 500)
    expect(raw?.lakeRows).toBeLessThanOrEqual(COUNT + 500)

    // Then the batch jobs take over from the streaming sinks' positions: each record exactly once.
    const again = await runLab(configFile, ['--count', '1', '--skip-doctor'])
    const withStreamed = expectedFromGenerator(500, streamed.seed, expected)
    await expectLabHolds(again, COUNT + 501, expectedFromGenerator(1, again.seed, withStreamed))

    // --reset: the lab's topics, lake, warehouse rows and positions go; a fresh lab uses seed 42.
    const reset = await runLab(configFile, ['--reset', '--count', '300', '--skip-doctor'])
    expect(reset.reset?.topics).toContain('transaction_log')
    expect(reset.reset?.warehouseTables).toContainEqual({
      table: 'amount_per_type',
      rows: expected.perType.size,
    })
    expect(reset).toMatchObject({ seed: 42, ksqlApplied: first.ksqlApplied })
    await expectLabHolds(reset, 300, expectedFromGenerator(300, 42))
  }, 1_800_000)
})
