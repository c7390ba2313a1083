import { createContext, type GlobalOptions } from '../app/context.ts'
import type { Reporter } from '../app/reporter.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import type * as LabSteps from '../lab/lab-steps.ts'
import type { LabResetReport } from '../lab/lab-reset.ts'
import type { LabAggregates, LabFeedRow } from '../lab/lab-summary.ts'
import { nextSeed } from '../produce/continue-seed.ts'
import { DipError, errorMessage } from '../shared/errors.ts'
import type { LakeSummary } from '../consume/lake-job-types.ts'
import type { ConsumeWarehouseResult } from '../consume/warehouse-job.ts'
import type { ProduceSummary } from '../produce/produce-run.ts'
import { onStopSignals } from '../app/stop-signals.ts'

export type { LabAggregates, LabFeedRow } from '../lab/lab-summary.ts'

export interface LabOptions {
  /** Transactions to produce (default 5,000, like the original kit). */
  readonly count?: number
  /** Generator seed; default: 42 on an empty topic, so a fresh lab is reproducible, else a new one. */
  readonly seed?: number
  /** Skip `dip doctor` (the stack is known to be fine). */
  readonly skipDoctor?: boolean
  /** Run the streaming sinks for this long instead of the batch jobs. */
  readonly streamMs?: number
  /** Purge the lab's ksqlDB objects, topics, lake, warehouse rows and run log first. */
  readonly reset?: boolean
}

export type LabStepName =
  | 'doctor'
  | 'up'
  | 'reset'
  | 'db apply'
  | 'produce'
  | 'ksql apply'
  | 'settle'
  | 'lake'
  | 'warehouse'
  | 'stream'
  | 'summary'

export interface LabSummary {
  readonly ok: true
  readonly mode: string
  readonly alreadyRunning: boolean
  readonly sinks: 'batch' | 'stream'
  /** Ctrl-C / SIGTERM arrived: the running step stopped cleanly and the later ones stopped at once. */
  readonly interrupted: boolean
  readonly reset: LabResetReport | null
  readonly seed: number
  readonly produced: ProduceSummary
  readonly ksqlApplied: number
  readonly lake: Pick<LakeSummary, 'records' | 'files' | 'seconds'>
  readonly warehouse: Pick<ConsumeWarehouseResult, 'records' | 'created'>
  readonly feeds: readonly LabFeedRow[]
  readonly aggregates: LabAggregates
  readonly seconds: number
}

const RAW_TOPIC = 'transaction_log'

/**
 * `dip lab`: the whole lab in one run — doctor → up → (reset) → db apply → produce → ksql apply →
 * wait for the persistent queries → lake and warehouse sinks (batch, or streaming for a duration)
 * → a summary. Each step is an existing command's core; a failing step stops the run and is named
 * in the error.
 */
export async function lab(options: LabOptions, global: GlobalOptions): Promise<LabSummary> {
  const started = Date.now()
  const { loaded, reporter } = createContext(global)
  const steps = await import('../lab/lab-steps.ts')
  // The steps print their own progress; only the lab's summary is the --json document.
  const quiet: Reporter = { ...reporter, result: () => undefined, table: () => undefined }
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  try {
    if (options.skipDoctor !== true) await step('doctor', () => steps.runDoctor(loaded, quiet))
    const upResult = await step('up', () => steps.runUp(loaded, quiet))
    const { createKafka, createKsql } = await import('../app/create-deps.ts')
    const { connectMysql } = await import('../mysql/connect.ts')
    const kafka = await createKafka(loaded.config)
    const ksql = await createKsql(loaded.config)
    const reset =
      options.reset === true
        ? await step('reset', async () => {
            const { describeReset, resetLab } = await import('../lab/lab-reset.ts')
            const spinner = reporter.spinner('purging the lab: ksqlDB, topics, lake, warehouse, run log')
            const report = await resetLab({
              loaded,
              kafka,
              ksql,
              connectMysql: () => connectMysql({ ...loaded.config.mysql, createDatabase: true }),
              migrationTopics: await steps.migrationTopics(loaded),
              ownKsqlServer: upResult.mode === 'native' ? await steps.nativeKsqlServer(loaded) : null,
            }).catch((error: unknown) => {
              spinner.fail('the reset stopped')
              throw error
            })
            spinner.succeed('purged the lab:')
            for (const line of describeReset(report)) reporter.info(`  ${line}`)
            return report
          })
        : null
    await step('db apply', async () => {
      const { applySchema } = await import('../warehouse/apply-schema.ts')
      return applySchema({}, { reporter: quiet, config: loaded.config, baseDir: loaded.baseDir })
    })
    // Produce first: the migrations' CREATE STREAM needs the topic, and read it from the earliest offset.
    const { seed, produced } = await step('produce', async () => {
      const { planProduce } = await import('../produce/produce-plan.ts')
      const { produce } = await import('../produce/produce-run.ts')
      const seed = options.seed ?? (await nextSeed(kafka, RAW_TOPIC))
      const plan = planProduce({ ...(options.count === undefined ? {} : { count: options.count }), seed })
      return { seed, produced: await produce(plan, { kafka, reporter: quiet, signal: controller.signal }) }
    })
    const ksqlApplied = await step('ksql apply', () =>
      steps.runKsqlMigrations(loaded, quiet, controller.signal),
    )
    const sinks =
      options.streamMs === undefined
        ? await runBatchSinks(loaded, kafka, ksql, quiet, controller.signal, steps)
        : await step('stream', async () => {
            const { runStreamingSinks } = await import('../lab/lab-stream.ts')
            const { createKafka } = await import('../app/create-deps.ts')
            return runStreamingSinks(options.streamMs ?? 0, {
              loaded,
              kafka,
              warehouseKafka: await createKafka(loaded.config, 'warehouse'),
              ksql,
              reporter: quiet,
              signal: controller.signal,
            })
          })
    const { printSummary, summarize } = await import('../lab/lab-summary.ts')
    const spinner = reporter.spinner('summing up topics, lake and warehouse')
    const { feeds, aggregates } = await step('summary', () =>
      summarize(loaded, kafka, sinks.warehouse.tables),
    ).catch((error: unknown) => {
      spinner.fail('the summary failed')
      throw error
    })
    const interrupted = controller.signal.aborted
    spinner.succeed(interrupted ? 'lab interrupted; what it holds:' : 'lab complete')
    const summary: LabSummary = {
      ok: true,
      mode: upResult.mode,
      alreadyRunning: upResult.alreadyRunning,
      sinks: options.streamMs === undefined ? 'batch' : 'stream',
      interrupted,
      reset,
      seed,
      produced,
      ksqlApplied,
      lake: { records: sinks.lake.records, files: sinks.lake.files, seconds: sinks.lake.seconds },
      warehouse: { records: sinks.warehouse.records, created: sinks.warehouse.created },
      feeds,
      aggregates,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }
    printSummary(summary, reporter)
    if (interrupted)
      reporter.warn(
        'interrupted: the step then running stopped cleanly and the later ones did little or nothing; re-running `dip lab` is safe',
      )
    else if (!reporter.json)
      reporter.success(
        `${summary.produced.records.toLocaleString('en-US')} events produced (seed ${seed}), lake and warehouse ${
          summary.sinks === 'batch' ? 'up to date' : 'streamed'
        } in ${summary.seconds.toFixed(1)} s`,
      )
    reporter.result(summary)
    return summary
  } finally {
    release()
  }
}

async function runBatchSinks(
  loaded: LoadedConfig,
  kafka: KafkaPorts,
  ksql: KsqlClient,
  reporter: Reporter,
  signal: AbortSignal,
  steps: typeof LabSteps,
): Promise<{ lake: LakeSummary; warehouse: ConsumeWarehouseResult }> {
  await step('settle', () => steps.waitForQuietTopics(kafka, reporter, signal))
  const lake = await step('lake', async () => {
    const { batchLakePlan, consumeLake } = await import('../consume/lake-job.ts')
    return consumeLake(batchLakePlan(loaded), {
      kafka,
      ksql,
      configFeeds: loaded.config.feeds,
      reporter,
      signal,
    })
  })
  const warehouse = await step('warehouse', async () => {
    const { runConsumeWarehouse } = await import('../consume/warehouse-job.ts')
    const { tableFailuresError } = await import('../warehouse/table-failure.ts')
    const { createKafka } = await import('../app/create-deps.ts')
    const result = await runConsumeWarehouse(
      { batch: true, autoCreate: true },
      {
        config: loaded.config,
        kafka: await createKafka(loaded.config, 'warehouse'),
        ksql,
        reporter,
        signal,
      },
    )
    if (result.failed.length > 0) throw tableFailuresError(result.failed)
    return result
  })
  return { lake, warehouse }
}

async function step<T>(name: LabStepName, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw new DipError(errorCode(error), `dip lab stopped at step "${name}": ${errorMessage(error)}`, {
      hint: hintFor(name),
    })
  }
}

function hintFor(name: LabStepName): string {
  const again = 're-running `dip lab` is safe'
  switch (name) {
    case 'doctor':
    case 'up':
    case 'db apply':
    case 'produce':
    case 'ksql apply':
      return `run \`dip ${name}\` alone to see its details; ${again}`
    case 'lake':
    case 'warehouse':
      return `run \`dip consume ${name} --batch\` alone to see its details; ${again}`
    case 'stream':
      return `run \`dip consume lake\` and \`dip consume warehouse\` alone to see their details; ${again}`
    case 'settle':
      return `check the queries with \`dip ksql status\`; ${again}`
    case 'reset':
      return 'fix the cause and run `dip lab --reset` again (what was purged stays purged)'
    case 'summary':
      return `inspect with \`dip lake ls\` and \`dip status\`; ${again}`
  }
}

function errorCode(error: unknown): DipError['code'] {
  return error instanceof DipError ? error.code : 'DIP_INTERNAL'
}
