import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, type GlobalOptions } from '../cli/context.ts'
import type { Reporter } from '../cli/reporter.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import { DipError, errorMessage } from '../shared/errors.ts'
import type { LakeSummary } from './consume-lake-types.ts'
import type { ConsumeWarehouseResult } from './consume-warehouse.ts'
import type { ProduceSummary } from './produce.ts'
import { onStopSignals } from './stop-signals.ts'

export interface LabOptions {
  /** Transactions to produce (default 5,000, like the original kit). */
  readonly count?: number
  readonly seed?: number
  /** Skip `dip doctor` (the stack is known to be fine). */
  readonly skipDoctor?: boolean
}

export type LabStepName =
  'doctor' | 'up' | 'db apply' | 'produce' | 'ksql apply' | 'settle' | 'lake' | 'warehouse'

export interface LabFeedRow {
  readonly topic: string
  readonly topicRecords: number
  readonly lakeFiles: number
  readonly lakeRows: number
  readonly warehouseRows: number | null
}

export interface LabAggregates {
  /** From the lake's transaction_log view: every event the lake holds, not only this run's. */
  readonly perTransactionType: readonly { type: string; count: number; totalAmount: number }[]
  readonly topProducts: readonly { productId: string; count: number }[]
}

export interface LabSummary {
  readonly ok: true
  readonly mode: string
  readonly alreadyRunning: boolean
  readonly produced: ProduceSummary
  readonly ksqlApplied: number
  readonly lake: Pick<LakeSummary, 'records' | 'files' | 'seconds'>
  readonly warehouse: Pick<ConsumeWarehouseResult, 'records' | 'created'>
  readonly feeds: readonly LabFeedRow[]
  readonly aggregates: LabAggregates
  readonly seconds: number
}

const RAW_TOPIC = 'transaction_log'
// Two levels up from src/commands (or dist/commands) is the package root, which ships ksql/.
const PACKAGED_KSQL = fileURLToPath(new URL('../../ksql', import.meta.url))

/**
 * `dip lab`: the whole lab in one run — doctor → up → db apply → produce → ksql apply → wait for
 * the persistent queries → lake and warehouse batch sinks → a summary. Each step is an existing
 * command's core; a failing step stops the run and is named in the error.
 */
export async function lab(options: LabOptions, global: GlobalOptions): Promise<LabSummary> {
  const started = Date.now()
  const { loaded, reporter } = createContext(global)
  // The steps print their own progress; only the lab's summary is the --json document.
  const quiet: Reporter = { ...reporter, result: () => undefined, table: () => undefined }
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  try {
    if (options.skipDoctor !== true) await step('doctor', () => runDoctor(loaded, quiet))
    const upResult = await step('up', () => runUp(loaded, quiet))
    await step('db apply', async () => {
      const { applySchema } = await import('./db-apply.ts')
      return applySchema({}, { reporter: quiet, config: loaded.config, baseDir: loaded.baseDir })
    })
    const { createKafka, createKsql } = await import('../cli/create-deps.ts')
    const kafka = await createKafka(loaded.config)
    // Produce first: the migrations' CREATE STREAM needs the topic, and read it from the earliest offset.
    const produced = await step('produce', async () => {
      const { planProduce } = await import('../produce/produce-plan.ts')
      const { produce } = await import('./produce.ts')
      const plan = planProduce({
        ...(options.count === undefined ? {} : { count: options.count }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      })
      return produce(plan, { kafka, reporter: quiet, signal: controller.signal })
    })
    const ksqlApplied = await step('ksql apply', () => runKsqlMigrations(loaded, quiet))
    await step('settle', () => waitForQuietTopics(kafka, quiet, controller.signal))
    const lakeSummary = await step('lake', async () => {
      const { batchLakePlan, consumeLake } = await import('./consume-lake.ts')
      const { config } = loaded
      return consumeLake(batchLakePlan(loaded), {
        kafka,
        ksql: await createKsql(config),
        configFeeds: config.feeds,
        reporter: quiet,
        signal: controller.signal,
      })
    })
    const warehouse = await step('warehouse', async () => {
      const { runConsumeWarehouse } = await import('./consume-warehouse.ts')
      return runConsumeWarehouse(
        { batch: true, autoCreate: true },
        { config: loaded.config, reporter: quiet, signal: controller.signal },
      )
    })
    const spinner = reporter.spinner('summing up topics, lake and warehouse')
    const { feeds, aggregates } = await summarize(loaded, kafka, warehouse).catch((error: unknown) => {
      spinner.fail('the summary failed')
      throw error
    })
    spinner.succeed('lab complete')
    const summary: LabSummary = {
      ok: true,
      mode: upResult.mode,
      alreadyRunning: upResult.alreadyRunning,
      produced,
      ksqlApplied,
      lake: { records: lakeSummary.records, files: lakeSummary.files, seconds: lakeSummary.seconds },
      warehouse: { records: warehouse.records, created: warehouse.created },
      feeds,
      aggregates,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }
    print(summary, reporter)
    reporter.result(summary)
    return summary
  } finally {
    release()
  }
}

async function step<T>(name: LabStepName, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw new DipError(errorCode(error), `dip lab stopped at step "${name}": ${errorMessage(error)}`, {
      hint: `run \`dip ${name === 'lake' || name === 'warehouse' ? `consume ${name} --batch` : name}\` alone to see its details; re-running \`dip lab\` is safe`,
    })
  }
}

function errorCode(error: unknown): DipError['code'] {
  return error instanceof DipError ? error.code : 'DIP_INTERNAL'
}

async function runDoctor(loaded: LoadedConfig, reporter: Reporter): Promise<void> {
  const { createExecaRunner } = await import('../stack/command-runner.ts')
  const { runChecks } = await import('../stack/doctor/checks.ts')
  const spinner = reporter.spinner('checking prerequisites')
  const checks = await runChecks(loaded, {
    runner: createExecaRunner(),
    env: process.env,
    nodeVersion: process.version,
  })
  const failed = checks.filter((check) => check.status === 'fail')
  if (failed.length === 0) {
    spinner.succeed(`prerequisites ok (${checks.length} checks)`)
    return
  }
  spinner.fail('prerequisites missing')
  throw new DipError('DIP_PREREQUISITE', failed.map((check) => `${check.name}: ${check.detail}`).join('; '), {
    hint:
      failed
        .map((check) => check.fix ?? '')
        .filter((fix) => fix !== '')
        .join(' ') || 'run `dip doctor`',
  })
}

async function runUp(loaded: LoadedConfig, reporter: Reporter) {
  const { createExecaRunner } = await import('../stack/command-runner.ts')
  const { createDriver, decideMode, recordMode } = await import('../stack/select-driver.ts')
  const runner = createExecaRunner()
  const decision = await decideMode({ requested: undefined, loaded, runner, purpose: 'up' })
  if (decision.mode === 'native') {
    // A fresh machine has no Kafka yet: provision it here so `dip lab` alone is enough (instant when cached).
    const { provisionKafka } = await import('../stack/provision/kafka-provision.ts')
    const version = loaded.config.kafka.version
    const provisioning = reporter.spinner(`provisioning Apache Kafka ${version} (once, from Maven Central)`)
    try {
      const kafka = await provisionKafka({ version, runner })
      provisioning.succeed(
        kafka.downloaded ? `Apache Kafka ${version} downloaded` : `Apache Kafka ${version} is provisioned`,
      )
    } catch (error) {
      provisioning.fail(`Apache Kafka ${version} could not be provisioned (see \`dip setup\`)`)
      throw error
    }
  }
  const driver = createDriver(decision.mode, loaded, runner)
  const spinner = reporter.spinner(`starting the ${decision.mode} stack`)
  try {
    const result = await driver.up({ timeoutMs: loaded.config.stack.startTimeoutSeconds * 1000 })
    await recordMode(loaded.stateDir, decision.mode)
    spinner.succeed(
      result.alreadyRunning ? `already running (${decision.mode})` : `${decision.mode} stack is up`,
    )
    return result
  } catch (error) {
    spinner.fail(`the ${decision.mode} stack did not start`)
    throw error
  }
}

async function runKsqlMigrations(loaded: LoadedConfig, reporter: Reporter): Promise<number> {
  const { createKsql } = await import('../cli/create-deps.ts')
  const { applyMigrations } = await import('../ksql-migrations/apply-migrations.ts')
  const { loadMigrationFiles } = await import('../ksql-migrations/migration-files.ts')
  const { restMigrationsServer } = await import('../ksql-migrations/rest-migrations-server.ts')
  // The project's own ksql/ folder wins over the lab's shipped one.
  const local = resolve(loaded.baseDir, 'ksql')
  const dir = existsSync(local) ? local : PACKAGED_KSQL
  const files = await loadMigrationFiles(dir)
  const client = await createKsql(loaded.config)
  const spinner = reporter.spinner(`applying ${files.length} ksqlDB migration file(s) from ${dir}`)
  try {
    const summary = await applyMigrations(restMigrationsServer(client), {
      files,
      dryRun: false,
      force: false,
      variables: {},
      onProgress: (message) => spinner.update(message),
    })
    spinner.succeed(
      summary.plan.kind === 'upToDate'
        ? 'ksqlDB migrations up to date'
        : `applied ${summary.applied.length} ksqlDB migration file(s)`,
    )
    return summary.applied.length
  } catch (error) {
    spinner.fail('ksqlDB migrations stopped')
    throw error
  }
}

const SETTLE_POLL_MS = 1000
const SETTLE_QUIET_POLLS = 3
const SETTLE_LIMIT_MS = 120_000

/**
 * The persistent queries write their topics asynchronously; the batch sinks read up to the end
 * offsets they see at start. Waiting until no topic grows for a few polls lets them see it all.
 */
async function waitForQuietTopics(kafka: KafkaPorts, reporter: Reporter, signal: AbortSignal): Promise<void> {
  const spinner = reporter.spinner('waiting for the ksqlDB queries to catch up')
  const admin = kafka.admin()
  const deadline = Date.now() + SETTLE_LIMIT_MS
  try {
    let last = -1n
    let quiet = 0
    while (quiet < SETTLE_QUIET_POLLS && Date.now() < deadline && !signal.aborted) {
      const total = await totalEndOffsets(admin)
      quiet = total === last ? quiet + 1 : 0
      last = total
      spinner.update(`waiting for the ksqlDB queries to catch up (${total.toLocaleString('en-US')} records)`)
      await new Promise((done) => setTimeout(done, SETTLE_POLL_MS))
    }
    spinner.succeed(
      quiet >= SETTLE_QUIET_POLLS ? 'ksqlDB queries caught up' : 'ksqlDB queries still running; going on',
    )
  } finally {
    await admin.close()
  }
}

async function totalEndOffsets(admin: ReturnType<KafkaPorts['admin']>): Promise<bigint> {
  let total = 0n
  for (const topic of await admin.listTopics()) {
    if (topic.startsWith('__') || topic.startsWith('_confluent')) continue
    for (const partition of await admin.topicOffsets(topic)) total += partition.high
  }
  return total
}

async function summarize(
  loaded: LoadedConfig,
  kafka: KafkaPorts,
  warehouse: ConsumeWarehouseResult,
): Promise<{ feeds: LabFeedRow[]; aggregates: LabAggregates }> {
  const { scanLake } = await import('../lake-tools/lake-tree.ts')
  const { openLakeDuck, queryLake, countRows } = await import('../lake-tools/lake-duck.ts')
  const entries = (await scanLake(loaded.lakeRoot)).filter((entry) => entry.area !== '_errors')
  const lake = await openLakeDuck(loaded.lakeRoot, entries)
  try {
    const rowsPerFile = await countRows(entries, async () => lake.duck)
    const admin = kafka.admin()
    const feeds: LabFeedRow[] = []
    try {
      const names = [...new Set(entries.map((entry) => entry.feed))].sort()
      for (const feed of names) {
        const files = entries.filter((entry) => entry.feed === feed)
        const offsets = await admin.topicOffsets(feed).catch(() => [])
        const sunk = warehouse.tables.filter((table) => table.topic === feed)
        feeds.push({
          topic: feed,
          topicRecords: Number(offsets.reduce((sum, p) => sum + (p.high - p.low), 0n)),
          lakeFiles: files.length,
          lakeRows: files.reduce((sum, entry) => sum + (rowsPerFile.get(entry.path) ?? 0), 0),
          warehouseRows: sunk.length === 0 ? null : sunk.reduce((sum, table) => sum + table.upserted, 0),
        })
      }
    } finally {
      await admin.close()
    }
    const hasRaw = lake.views.some((view) => view.name === RAW_TOPIC)
    if (!hasRaw) return { feeds, aggregates: { perTransactionType: [], topProducts: [] } }
    const perType = await queryLake(
      lake.duck,
      `SELECT transaction_type AS type, COUNT(*) AS count, ROUND(SUM(amount), 2) AS total
         FROM ${RAW_TOPIC} GROUP BY transaction_type ORDER BY transaction_type`,
    )
    const top = await queryLake(
      lake.duck,
      // The lake keeps ksqlDB's upper-case column names: alias so the row key is known.
      `SELECT product_id AS product, COUNT(*) AS count FROM ${RAW_TOPIC} WHERE product_id IS NOT NULL
         GROUP BY product_id ORDER BY count DESC, product_id LIMIT 3`,
    )
    return {
      feeds,
      aggregates: {
        perTransactionType: perType.rows.map((row) => ({
          type: String(row['type']),
          count: Number(row['count']),
          totalAmount: Number(row['total']),
        })),
        topProducts: top.rows.map((row) => ({
          productId: String(row['product']),
          count: Number(row['count']),
        })),
      },
    }
  } finally {
    lake.close()
  }
}

function print(summary: LabSummary, reporter: Reporter): void {
  if (reporter.json) return
  const n = (value: number) => value.toLocaleString('en-US')
  reporter.info('')
  reporter.table(
    summary.feeds.map((feed) => [
      feed.topic,
      n(feed.topicRecords),
      n(feed.lakeFiles),
      n(feed.lakeRows),
      feed.warehouseRows === null ? '' : n(feed.warehouseRows),
    ]),
    { header: ['topic', 'records', 'lake files', 'lake rows', 'warehouse rows'] },
  )
  reporter.info('')
  reporter.table(
    summary.aggregates.perTransactionType.map((row) => [row.type, n(row.count), row.totalAmount.toFixed(2)]),
    { header: ['transaction type', 'count', 'total amount'] },
  )
  reporter.info('')
  reporter.table(
    summary.aggregates.topProducts.map((row) => [row.productId, n(row.count)]),
    { header: ['top product', 'transactions'] },
  )
  reporter.success(
    `${n(summary.produced.records)} events produced, lake and warehouse up to date in ${summary.seconds.toFixed(1)} s`,
  )
}
