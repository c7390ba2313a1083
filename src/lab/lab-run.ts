import type { Reporter } from '../app/reporter.ts'
import type { BatchRunner } from '../beam/runner-choice.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { LakeSummary } from '../consume/lake-job-types.ts'
import type { ConsumeWarehouseResult } from '../consume/warehouse-job.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import { nextSeed } from '../produce/continue-seed.ts'
import type { ProduceSummary } from '../produce/produce-run.ts'
import { labStepError, type LabPlan, type LabStepName } from './lab-plan.ts'
import type { LabResetReport } from './lab-reset.ts'
import type * as LabSteps from './lab-steps.ts'
import type { LabAggregates, LabFeedRow } from './lab-summary.ts'

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

export interface LabRunDeps {
  readonly loaded: LoadedConfig
  /** Prints the lab's own progress (the reset's purge list, the summary spinner). */
  readonly reporter: Reporter
  /** A stop (Ctrl-C / SIGTERM): the running step winds down cleanly, the later ones do little. */
  readonly signal: AbortSignal
}

const RAW_TOPIC = 'transaction_log'

/**
 * Runs a lab plan: each step is an existing command's core; a failing step stops the run and is
 * named in the error. Returns the summary; printing it is the caller's.
 */
export async function runLab(plan: LabPlan, deps: LabRunDeps): Promise<LabSummary> {
  const started = Date.now()
  const { loaded, reporter, signal } = deps
  const steps = await import('./lab-steps.ts')
  // The steps print their own progress; only the lab's summary is the --json document.
  const quiet: Reporter = { ...reporter, result: () => undefined, table: () => undefined }
  if (plan.doctor) await step('doctor', () => steps.runDoctor(loaded, quiet))
  const upResult = await step('up', () => steps.runUp(loaded, quiet))
  const { createKafka, createKsql } = await import('../app/create-deps.ts')
  const { connectMysql } = await import('../mysql/connect.ts')
  const kafka = await createKafka(loaded.config)
  const ksql = await createKsql(loaded.config)
  const reset = plan.reset
    ? await step('reset', async () => {
        const { describeReset, resetLab } = await import('./lab-reset.ts')
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
  const { seed, produced } = await step('produce', async () => {
    const { planProduce } = await import('../produce/produce-plan.ts')
    const { produce } = await import('../produce/produce-run.ts')
    const seed = plan.seed ?? (await nextSeed(kafka, RAW_TOPIC))
    const producePlan = planProduce({ ...(plan.count === undefined ? {} : { count: plan.count }), seed })
    return { seed, produced: await produce(producePlan, { kafka, reporter: quiet, signal }) }
  })
  const ksqlApplied = await step('ksql apply', () => steps.runKsqlMigrations(loaded, quiet, signal))
  const sinkDeps: SinkDeps = { loaded, kafka, ksql, reporter: quiet, signal, steps }
  const sinks = await runSinks(plan.sinks, sinkDeps)
  const { summarize } = await import('./lab-summary.ts')
  const spinner = reporter.spinner('summing up topics, lake and warehouse')
  const { feeds, aggregates } = await step('summary', () =>
    summarize(loaded, kafka, sinks.warehouse.tables),
  ).catch((error: unknown) => {
    spinner.fail('the summary failed')
    throw error
  })
  const interrupted = signal.aborted
  spinner.succeed(interrupted ? 'lab interrupted; what it holds:' : 'lab complete')
  return {
    ok: true,
    mode: upResult.mode,
    alreadyRunning: upResult.alreadyRunning,
    sinks: plan.sinks.kind,
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
}

interface SinkDeps {
  readonly loaded: LoadedConfig
  readonly kafka: KafkaPorts
  readonly ksql: KsqlClient
  readonly reporter: Reporter
  readonly signal: AbortSignal
  readonly steps: typeof LabSteps
}

async function runSinks(
  sinks: LabPlan['sinks'],
  deps: SinkDeps,
): Promise<{ lake: LakeSummary; warehouse: ConsumeWarehouseResult }> {
  switch (sinks.kind) {
    case 'batch':
      return runBatchSinks(sinks.runner, deps)
    case 'stream':
      return step('stream', async () => {
        const { runStreamingSinks } = await import('./lab-stream.ts')
        const { createKafka } = await import('../app/create-deps.ts')
        return runStreamingSinks(sinks.ms, {
          loaded: deps.loaded,
          kafka: deps.kafka,
          warehouseKafka: await createKafka(deps.loaded.config, 'warehouse'),
          ksql: deps.ksql,
          reporter: deps.reporter,
          signal: deps.signal,
        })
      })
  }
}

async function runBatchSinks(
  runner: BatchRunner,
  deps: SinkDeps,
): Promise<{ lake: LakeSummary; warehouse: ConsumeWarehouseResult }> {
  const { loaded, kafka, ksql, reporter, signal, steps } = deps
  await step('settle', () => steps.waitForQuietTopics(kafka, reporter, signal))
  const lake = await step('lake', async () => {
    const { batchLakePlan, consumeLake } = await import('../consume/lake-job.ts')
    return consumeLake(batchLakePlan(loaded, { runner }), {
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
      { batch: true, autoCreate: true, runner },
      {
        config: loaded.config,
        stateDir: loaded.stateDir,
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
    throw labStepError(name, error)
  }
}
