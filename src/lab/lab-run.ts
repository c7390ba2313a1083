import type { Reporter } from '../app/reporter.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { LakeSummary } from '../consume/lake-job-types.ts'
import type { ConsumeWarehouseResult } from '../consume/warehouse-job.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import { nextSeed } from '../produce/continue-seed.ts'
import type { ProduceSummary } from '../produce/produce-run.ts'
import { executeLabPlan, requireFinding, type LabExecutors } from './lab-execute.ts'
import type { LabPlan, LabStepName } from './lab-plan.ts'
import type { LabResetReport } from './lab-reset.ts'
import type { LabAggregates, LabFeedRow } from './lab-summary.ts'

export interface LabSummary {
  readonly ok: true
  readonly mode: string
  readonly alreadyRunning: boolean
  readonly sinks: 'batch' | 'stream'
  /** The plan's steps, in the order they ran. */
  readonly steps: readonly LabStepName[]
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
 * Runs a lab plan, step by step in its order (lab-execute.ts): each step is an existing command's
 * core; a failing step stops the run and is named in the error. Returns the summary; printing it
 * is the caller's.
 */
export async function runLab(plan: LabPlan, deps: LabRunDeps): Promise<LabSummary> {
  const started = Date.now()
  const outcome = await executeLabPlan(plan, labExecutors(deps))
  const up = requireFinding(outcome.up, 'up')
  const lake = requireFinding(outcome.lake, plan.sinks === 'batch' ? 'lake' : 'stream')
  const warehouse = requireFinding(outcome.warehouse, plan.sinks === 'batch' ? 'warehouse' : 'stream')
  return {
    ok: true,
    mode: up.mode,
    alreadyRunning: up.alreadyRunning,
    sinks: plan.sinks,
    steps: outcome.ran,
    interrupted: deps.signal.aborted,
    reset: outcome.reset ?? null,
    seed: requireFinding(outcome.seed, 'produce'),
    produced: requireFinding(outcome.produced, 'produce'),
    ksqlApplied: requireFinding(outcome.ksqlApplied, 'ksql apply'),
    lake: { records: lake.records, files: lake.files, seconds: lake.seconds },
    warehouse: { records: warehouse.records, created: warehouse.created },
    feeds: requireFinding(outcome.feeds, 'summary'),
    aggregates: requireFinding(outcome.aggregates, 'summary'),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }
}

/** The lab's step executors on the real stack: each calls the core of the command it stands for. */
function labExecutors(deps: LabRunDeps): LabExecutors {
  const { loaded, reporter, signal } = deps
  // The steps print their own progress; only the lab's summary is the --json document.
  const quiet: Reporter = { ...reporter, result: () => undefined, table: () => undefined }
  const steps = once(() => import('./lab-steps.ts'))
  // The clients are made once, when a step after `up` first needs them.
  const kafka = once(async (): Promise<KafkaPorts> => {
    const { createKafka } = await import('../app/create-deps.ts')
    return createKafka(loaded.config)
  })
  const ksql = once(async (): Promise<KsqlClient> => {
    const { createKsql } = await import('../app/create-deps.ts')
    return createKsql(loaded.config)
  })
  const warehouseKafka = async (): Promise<KafkaPorts> => {
    const { createKafka } = await import('../app/create-deps.ts')
    return createKafka(loaded.config, 'warehouse')
  }
  return {
    doctor: async () => {
      await (await steps()).runDoctor(loaded, quiet)
      return {}
    },
    up: async () => {
      const { mode, alreadyRunning } = await (await steps()).runUp(loaded, quiet)
      return { up: { mode, alreadyRunning } }
    },
    reset: async (_step, found) => {
      const { describeReset, resetLab } = await import('./lab-reset.ts')
      const { connectMysql } = await import('../mysql/connect.ts')
      const labSteps = await steps()
      const spinner = reporter.spinner('purging the lab: ksqlDB, topics, lake, warehouse, run log')
      const ownKsqlServer =
        requireFinding(found.up, 'up').mode === 'native' ? await labSteps.nativeKsqlServer(loaded) : null
      const report = await resetLab({
        loaded,
        kafka: await kafka(),
        ksql: await ksql(),
        connectMysql: () => connectMysql({ ...loaded.config.mysql, createDatabase: true }),
        migrationTopics: await labSteps.migrationTopics(loaded),
        ownKsqlServer,
      }).catch((error: unknown) => {
        spinner.fail('the reset stopped')
        throw error
      })
      spinner.succeed('purged the lab:')
      for (const line of describeReset(report)) reporter.info(`  ${line}`)
      return { reset: report }
    },
    'db apply': async () => {
      const { applySchema } = await import('../warehouse/apply-schema.ts')
      await applySchema({}, { reporter: quiet, config: loaded.config, baseDir: loaded.baseDir })
      return {}
    },
    produce: async (step) => {
      const { planProduce } = await import('../produce/produce-plan.ts')
      const { produce } = await import('../produce/produce-run.ts')
      const ports = await kafka()
      const seed = step.seed ?? (await nextSeed(ports, RAW_TOPIC))
      const producePlan = planProduce({ ...(step.count === undefined ? {} : { count: step.count }), seed })
      return { seed, produced: await produce(producePlan, { kafka: ports, reporter: quiet, signal }) }
    },
    'ksql apply': async () => ({
      ksqlApplied: await (await steps()).runKsqlMigrations(loaded, quiet, signal),
    }),
    settle: async () => {
      await (await steps()).waitForQuietTopics(await kafka(), quiet, signal)
      return {}
    },
    lake: async (step) => {
      const { batchLakePlan, consumeLake } = await import('../consume/lake-job.ts')
      const lake = await consumeLake(batchLakePlan(loaded, { runner: step.runner }), {
        kafka: await kafka(),
        ksql: await ksql(),
        configFeeds: loaded.config.feeds,
        reporter: quiet,
        signal,
      })
      return { lake }
    },
    warehouse: async (step) => {
      const { runConsumeWarehouse } = await import('../consume/warehouse-job.ts')
      const { tableFailuresError } = await import('../warehouse/table-failure.ts')
      const warehouse = await runConsumeWarehouse(
        { batch: true, autoCreate: true, runner: step.runner },
        {
          config: loaded.config,
          stateDir: loaded.stateDir,
          kafka: await warehouseKafka(),
          ksql: await ksql(),
          reporter: quiet,
          signal,
        },
      )
      if (warehouse.failed.length > 0) throw tableFailuresError(warehouse.failed)
      return { warehouse }
    },
    stream: async (step) => {
      const { runStreamingSinks } = await import('./lab-stream.ts')
      return runStreamingSinks(step.ms, {
        loaded,
        kafka: await kafka(),
        warehouseKafka: await warehouseKafka(),
        ksql: await ksql(),
        reporter: quiet,
        signal,
      })
    },
    summary: async (_step, found) => {
      const { summarize } = await import('./lab-summary.ts')
      const ports = await kafka()
      const spinner = reporter.spinner('summing up topics, lake and warehouse')
      const tables = requireFinding(found.warehouse, 'warehouse').tables
      const { feeds, aggregates } = await summarize(loaded, ports, tables).catch((error: unknown) => {
        spinner.fail('the summary failed')
        throw error
      })
      spinner.succeed(signal.aborted ? 'lab interrupted; what it holds:' : 'lab complete')
      return { feeds, aggregates }
    },
  }
}

/** `make` run on the first call only; later calls share its promise. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return () => (made ??= make())
}
