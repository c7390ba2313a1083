/**
 * Benchmark: `dip consume warehouse --batch` next to a raw mysql2 multi-row upsert of the same rows,
 * measured in the same run against the stack of the current config (`dip up` first).
 *
 *   node --import tsx bench/warehouse.ts            (BENCH_WAREHOUSE_RECORDS=100000 by default)
 *
 * Every record has its own key, so both sides write the same number of rows. The sink's rate is
 * end to end (Kafka group join, fetch, decode, convert, upsert, dip_offsets, commit); the raw side
 * only sends prebuilt rows. The sink runs twice: in this process (rates, with the time to the first
 * and from the last written batch), then, into the emptied table, as its own `node bin/dip.js
 * consume warehouse --batch` process: what users run, with the process's peak RSS (GNU time, when
 * installed) and its rate from process start to exit (Node startup and module loading included).
 *
 * Sink build: BENCH_WAREHOUSE_BUILD=dist (default) loads the compiled sink that `dip` runs (dist/,
 * from `npm run build`); =src loads the TypeScript sources through tsx, whose transform (a name
 * helper on every function created per record) slows the per-record path. Only the sink is loaded
 * from the chosen build; producing the records, the tables and the raw side use the sources.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { Reporter, Spinner } from '../src/cli/reporter.ts'
import type { runConsumeWarehouse as RunConsumeWarehouse } from '../src/commands/consume-warehouse.ts'
import { loadConfig } from '../src/config/load-config.ts'
import { createKafkaPorts } from '../src/kafka/kafkajs-client.ts'
import { buildUpsert } from '../src/mysql/build-upsert.ts'
import { connectMysql } from '../src/mysql/connect.ts'
import { withTransaction } from '../src/mysql/mysql-port.ts'
import { startKsqlStub, tableDescription } from '../test/integration/warehouse-helpers.ts'

const SINK_ENTRIES = {
  dist: '../dist/commands/consume-warehouse.js',
  src: '../src/commands/consume-warehouse.ts',
} as const
export type SinkBuild = keyof typeof SINK_ENTRIES

export interface WarehouseBenchResult {
  readonly name: 'warehouse'
  /** Which build of the sink was measured: dist (what `dip` runs) or src (tsx-loaded sources). */
  readonly sinkBuild: SinkBuild
  readonly records: number
  readonly sinkRecordsPerSecond: number
  /** From the first written batch to the last: without startup (group join) and shutdown (leaving it). */
  readonly sinkSteadyRecordsPerSecond: number
  /** Start of the command to its first written batch (ksqlDB lookup, MySQL setup, group join, first fetch). */
  readonly sinkStartupMs: number
  /** Last written batch to the command's return (leaving the group, closing connections). */
  readonly sinkShutdownMs: number
  readonly rawUpsertRowsPerSecond: number
  readonly ratio: number
  /** Peak RSS of this bench process (it also produced the records and holds the raw side's rows). */
  readonly peakRssMb: number
  /** The same sink as its own `node bin/dip.js consume warehouse --batch` process. */
  readonly cli: {
    /** The command's own figure: from its start to its return, as it prints it. */
    readonly recordsPerSecond: number
    /** From spawning the process to its exit: Node startup and module loading included. */
    readonly processRecordsPerSecond: number
    readonly ratio: number
    /** Peak RSS of the dip process; null without GNU time (/usr/bin/time). */
    readonly peakRssMb: number | null
  }
}

const STATUSES = ['completed', 'pending', 'failed', 'processing', 'cancelled']
const ROWS_PER_STATEMENT = 1000

function tableDdl(table: string): string {
  return `CREATE TABLE ${table} (
  transaction_id VARCHAR(64) NOT NULL PRIMARY KEY,
  amount DECIMAL(15, 2) NULL,
  status VARCHAR(16) NULL,
  status_history JSON NULL,
  last_update_time DATETIME(3) NULL,
  last_updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)`
}

/** The sink command of the chosen build; dist must have been built (`npm run build`). */
async function loadSink(build: SinkBuild): Promise<typeof RunConsumeWarehouse> {
  const url = new URL(SINK_ENTRIES[build], import.meta.url)
  if (!existsSync(fileURLToPath(url)))
    throw new Error(
      `bench/warehouse: ${fileURLToPath(url)} is missing; run \`npm run build\` first ` +
        '(or set BENCH_WAREHOUSE_BUILD=src to measure the tsx-loaded sources)',
    )
  const module = (await import(url.href)) as { runConsumeWarehouse: typeof RunConsumeWarehouse }
  return module.runConsumeWarehouse
}

function sinkBuildFromEnv(): SinkBuild {
  const value = process.env['BENCH_WAREHOUSE_BUILD'] ?? 'dist'
  if (value === 'dist' || value === 'src') return value
  throw new Error(`bench/warehouse: BENCH_WAREHOUSE_BUILD must be dist or src, got "${value}"`)
}

export async function benchWarehouse(
  options: {
    readonly records?: number
    readonly build?: SinkBuild
    readonly log?: (line: string) => void
  } = {},
): Promise<WarehouseBenchResult> {
  const count = options.records ?? Number(process.env['BENCH_WAREHOUSE_RECORDS'] ?? 100_000)
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const build = options.build ?? sinkBuildFromEnv()
  const runConsumeWarehouse = await loadSink(build)
  if (!existsSync(fileURLToPath(CLI_MAIN)))
    throw new Error(`bench/warehouse: ${fileURLToPath(CLI_MAIN)} is missing; run \`npm run build\` first`)
  const { config } = loadConfig()
  const id = randomUUID().slice(0, 8)
  const topic = `bench_wh_${id}`
  const sinkTable = topic
  const rawTable = `${topic}_raw`
  const kafka = createKafkaPorts({ brokers: config.kafka.brokers, clientId: 'dip-bench' })
  const admin = kafka.admin()
  const pool = await connectMysql(config.mysql)
  // The table's schema comes from DESCRIBE, as for a ksqlDB table: a stand-in server answers it.
  const ksql = await startKsqlStub()
  ksql.register(
    tableDescription({
      name: topic.toUpperCase(),
      topic,
      key: { TRANSACTION_ID: { type: 'STRING' } },
      value: {
        AMOUNT: { type: 'DOUBLE' },
        STATUS: { type: 'STRING' },
        STATUS_HISTORY: { type: 'ARRAY', memberSchema: { type: 'STRING' } },
        LAST_UPDATE_TIME: { type: 'TIMESTAMP' },
      },
    }),
  )
  try {
    log(`warehouse: producing ${count} records to ${topic}`)
    await admin.createTopics([{ name: topic, partitions: 3 }])
    const rows: unknown[][] = []
    const sink = kafka.sink()
    try {
      for (let start = 0; start < count; start += 5000) {
        const records = []
        for (let i = start; i < Math.min(count, start + 5000); i++) {
          const transactionId = `TXN-${i.toString(16).padStart(8, '0')}`
          const amount = Math.round((10 + ((i * 7919) % 99000) / 100) * 100) / 100
          const status = STATUSES[i % STATUSES.length] ?? 'pending'
          const history = STATUSES.slice(0, (i % 3) + 1)
          const time = 1744103942128 + i
          records.push({
            topic,
            key: transactionId,
            value: JSON.stringify({
              AMOUNT: amount,
              STATUS: status,
              STATUS_HISTORY: history,
              LAST_UPDATE_TIME: time,
            }),
          })
          rows.push([
            transactionId,
            amount,
            status,
            JSON.stringify(history),
            new Date(time).toISOString().replace('T', ' ').slice(0, 23),
          ])
        }
        await sink.send(records)
      }
    } finally {
      await sink.close()
    }
    await pool.query(tableDdl(sinkTable))
    await pool.query(tableDdl(rawTable))

    log(`warehouse: dip consume warehouse --batch (sink loaded from ${build})`)
    let firstBatchAt: number | undefined
    let lastBatchAt: number | undefined
    let firstBatchRecords = 0
    const sinkStarted = Date.now()
    const result = await runConsumeWarehouse(
      { batch: true, topics: [topic], consumer: `bench-${id}` },
      {
        config: { ...config, ksql: { url: ksql.url } },
        reporter: quietReporter((text: string) => {
          const written = /^(\d+) records written/.exec(text)
          if (written === null) return
          if (firstBatchAt === undefined) {
            firstBatchAt = Date.now()
            firstBatchRecords = Number(written[1])
          }
          lastBatchAt = Date.now()
        }),
        signal: new AbortController().signal,
      },
    )
    const sinkEnded = Date.now()
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
    if (result.records !== count) throw new Error(`the sink wrote ${result.records} of ${count} records`)

    log('warehouse: node bin/dip.js consume warehouse --batch (its own process, into the emptied table)')
    await pool.query(`TRUNCATE TABLE ${sinkTable}`)
    const cli = await runCli(
      ['--json', 'consume', 'warehouse', '--batch', '--topics', topic, '--consumer', `bench-${id}-cli`],
      { DIP_KSQL_URL: ksql.url },
    )
    if (cli.result.records !== count) throw new Error(`dip wrote ${cli.result.records} of ${count} records`)

    log('warehouse: raw mysql2 multi-row upsert of the same rows')
    const columns = ['transaction_id', 'amount', 'status', 'status_history', 'last_update_time']
    const rawStarted = Date.now()
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const statement = buildUpsert(rawTable, columns, rows.slice(start, start + ROWS_PER_STATEMENT), {
        keyColumns: ['transaction_id'],
      })
      await withTransaction(pool, (connection) => connection.query(statement.sql, statement.params))
    }
    const rawSeconds = (Date.now() - rawStarted) / 1000

    const sinkRate = Math.round(count / ((sinkEnded - sinkStarted) / 1000))
    // Batches after the first one, over the time from the first write to the last.
    const steadyRecords = count - firstBatchRecords
    const steadyRate = Math.round(
      steadyRecords / (((lastBatchAt ?? sinkEnded) - (firstBatchAt ?? sinkStarted)) / 1000),
    )
    const rawRate = Math.round(count / rawSeconds)
    return {
      name: 'warehouse',
      sinkBuild: build,
      records: count,
      sinkRecordsPerSecond: sinkRate,
      sinkSteadyRecordsPerSecond: steadyRate,
      sinkStartupMs: (firstBatchAt ?? sinkEnded) - sinkStarted,
      sinkShutdownMs: sinkEnded - (lastBatchAt ?? sinkEnded),
      rawUpsertRowsPerSecond: rawRate,
      ratio: Math.round((sinkRate / rawRate) * 100) / 100,
      peakRssMb,
      cli: {
        recordsPerSecond: cli.result.recordsPerSecond,
        processRecordsPerSecond: Math.round(count / (cli.ms / 1000)),
        ratio: Math.round((cli.result.recordsPerSecond / rawRate) * 100) / 100,
        peakRssMb: cli.peakRssMb,
      },
    }
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${sinkTable}`).catch(() => undefined)
    await pool.query(`DROP TABLE IF EXISTS ${rawTable}`).catch(() => undefined)
    await pool.query('DELETE FROM dip_offsets WHERE topic = ?', [topic]).catch(() => undefined)
    await admin.deleteTopics([topic]).catch(() => undefined)
    await admin.close()
    await pool.end()
    await ksql.close()
  }
}

const CLI_MAIN = new URL('../dist/cli/main.js', import.meta.url)

/** `node bin/dip.js <args>` under GNU time (when installed) for its peak RSS; wall time from spawn to exit. */
async function runCli(args: readonly string[], env: Record<string, string>) {
  const rssFile = join(tmpdir(), `dip-bench-rss-${randomUUID().slice(0, 8)}`)
  const gnuTime = existsSync('/usr/bin/time')
  const bin = fileURLToPath(new URL('../bin/dip.js', import.meta.url))
  const started = Date.now()
  const child = await execa(
    gnuTime ? '/usr/bin/time' : 'node',
    gnuTime ? ['-f', '%M', '-o', rssFile, 'node', bin, ...args] : [bin, ...args],
    { env: { ...env, NO_COLOR: '1' }, reject: false },
  )
  const ms = Date.now() - started
  if (child.exitCode !== 0) throw new Error(`dip ${args.join(' ')} failed:\n${String(child.stderr)}`)
  let peakRssMb: number | null = null
  if (gnuTime) {
    const kb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1))
    peakRssMb = Number.isFinite(kb) ? Math.round(kb / 1024) : null
    await rm(rssFile, { force: true })
  }
  const result = JSON.parse(String(child.stdout)) as { records: number; recordsPerSecond: number }
  return { result, ms, peakRssMb }
}

/** A reporter that prints nothing and passes spinner updates (one per written batch) to `onProgress`. */
function quietReporter(onProgress: (text: string) => void): Reporter {
  const spinner: Spinner = {
    update: onProgress,
    succeed: () => undefined,
    fail: () => undefined,
    stop: () => undefined,
  }
  return {
    json: true,
    color: undefined as never,
    info: () => undefined,
    success: () => undefined,
    warn: () => undefined,
    table: () => undefined,
    result: () => undefined,
    spinner: () => spinner,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchWarehouse()
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
}
