import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { parse, stringify } from 'yaml'
import type { LabSummary } from '../../src/commands/lab.ts'
import { connectMysql } from '../../src/mysql/connect.ts'
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
}

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
  for (const chunk of transactionRecords(plan))
    for (const record of chunk) {
      const event = JSON.parse(String(record.value)) as {
        transaction_type: string
        amount: number
        product_id: string
      }
      const sums = perType.get(event.transaction_type) ?? { count: 0, total: 0 }
      perType.set(event.transaction_type, { count: sums.count + 1, total: sums.total + event.amount })
      perProduct.set(event.product_id, (perProduct.get(event.product_id) ?? 0) + 1)
    }
  return { perType, perProduct }
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
  } finally {
    await pool.end()
  }
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
