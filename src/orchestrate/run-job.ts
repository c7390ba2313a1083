import type { Reporter } from '../app/reporter.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import type { BatchRunner } from '../beam/runner-choice.ts'
import type { JobName, JobOutcome } from './run-record.ts'

export interface JobDeps {
  readonly loaded: LoadedConfig
  readonly reporter: Reporter
  /** Aborted when a stopping job overstays its time. */
  readonly signal: AbortSignal
  /** A Kafka client; `role` names the job's own client id (see app/create-deps.ts). */
  readonly kafka: (role?: string) => Promise<KafkaPorts>
  readonly ksql: () => Promise<KsqlClient>
  /** `--runner` / `--flink-master` of `dip orchestrate`; unset: the config's beam.runner / beam.flinkMaster. */
  readonly runner?: { readonly runner?: BatchRunner; readonly flinkMaster?: string }
}

/**
 * One batch job of `dip orchestrate`, on the config's stack: the lake job or the warehouse job, as
 * `dip consume lake|warehouse --batch` runs them, reduced to the figures a run record keeps.
 */
export async function runJob(job: JobName, deps: JobDeps): Promise<JobOutcome> {
  const { loaded, reporter, signal } = deps
  switch (job) {
    case 'lake': {
      const { batchLakePlan, consumeLake } = await import('../consume/lake-job.ts')
      const summary = await consumeLake(batchLakePlan(loaded, deps.runner), {
        kafka: await deps.kafka(),
        ksql: await deps.ksql(),
        configFeeds: loaded.config.feeds,
        reporter,
        signal,
      })
      return {
        records: summary.records,
        files: summary.files,
        rows: 0,
        // dip's own loop (--runner dip) has no Beam report; the record still names the runner.
        ...('runner' in summary
          ? { runner: summary.runner, deadLetters: summary.deadLetters, stages: summary.stages }
          : { runner: 'dip' }),
      }
    }
    case 'warehouse': {
      const { runConsumeWarehouse } = await import('../consume/warehouse-job.ts')
      const result = await runConsumeWarehouse(
        { batch: true, ...deps.runner },
        {
          config: loaded.config,
          stateDir: loaded.stateDir,
          kafka: await deps.kafka('warehouse'),
          ksql: await deps.ksql(),
          reporter,
          signal,
        },
      )
      const rows = result.tables.reduce((sum, table) => sum + table.upserted + table.deleted, 0)
      const { describeFailures } = await import('../warehouse/table-failure.ts')
      return {
        records: result.records,
        files: 0,
        rows,
        ...(result.failed.length === 0
          ? {}
          : { partialFailure: `table(s) not written: ${describeFailures(result.failed)}` }),
        ...(result.runner === undefined
          ? { runner: 'dip' }
          : { runner: result.runner, deadLetters: result.deadLetters ?? 0, stages: result.stages ?? [] }),
      }
    }
  }
}
