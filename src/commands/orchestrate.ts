import { createContext, type GlobalOptions } from '../app/context.ts'
import { reportBrokerOutages } from '../kafka/broker-watch.ts'
import { createKafka, createKsql } from '../app/create-deps.ts'
import { acquireOrchestratorLock } from '../orchestrate/orchestrator-lock.ts'
import { runOrchestratorLoop, type LoopSummary } from '../orchestrate/orchestrator-loop.ts'
import type { RetryPolicy } from '../orchestrate/retry-policy.ts'
import { runCycle } from '../orchestrate/run-cycle.ts'
import { runJob } from '../orchestrate/run-job.ts'
import type { JobName, RunRecord } from '../orchestrate/run-record.ts'
import { appendRun, writeNextDue } from '../orchestrate/runs-log.ts'
import type { Schedule } from '../orchestrate/schedule.ts'
import { isDipError } from '../shared/errors.ts'
import { batchChoice, batchRunnerLabel, type BatchRunner } from '../beam/runner-choice.ts'
import { onStopSignals } from '../app/stop-signals.ts'
import { sleep } from '../shared/sleep.ts'

export interface OrchestrateOptions {
  readonly schedule: Schedule
  readonly jobs: readonly JobName[]
  readonly once: boolean
  readonly retry: RetryPolicy
  /** After SIGINT/SIGTERM, how long the running job may take before it is told to stop. */
  readonly stopTimeoutMs: number
  /** The batch jobs' runner; default the config's beam.runner. */
  readonly runner?: BatchRunner
  /** With the flink runner: [local] or host:port; default the config's beam.flinkMaster. */
  readonly flinkMaster?: string
}

export const DEFAULT_STOP_TIMEOUT_MS = 60_000

/**
 * `dip orchestrate`: the batch jobs (lake, then warehouse) once at start and then on a schedule,
 * never two cycles at once, one orchestrator per state dir. Every job run is a line in
 * `<stateDir>/runs.jsonl`.
 */
export async function orchestrate(
  options: OrchestrateOptions,
  global: GlobalOptions,
): Promise<LoopSummary & { readonly lastCycle: readonly RunRecord[] }> {
  const { loaded, reporter } = createContext(global)
  const flags = {
    ...(options.runner === undefined ? {} : { runner: options.runner }),
    ...(options.flinkMaster === undefined ? {} : { flinkMaster: options.flinkMaster }),
  }
  // A bad runner choice is a usage error now, not a failed job at every tick.
  const choice = batchChoice(flags, { ...loaded.config.beam, stateDir: loaded.stateDir })
  const lock = await acquireOrchestratorLock(loaded.stateDir)
  const stopping = new AbortController()
  // The jobs' own signal: aborted only when the running job overstays the stop timeout.
  const hardStop = new AbortController()
  const release = onStopSignals(() => {
    reporter.info(
      `stopping: the running job may finish (up to ${Math.round(options.stopTimeoutMs / 1000)} s)`,
    )
    stopping.abort()
    setTimeout(() => hardStop.abort(), options.stopTimeoutMs).unref()
  })
  let lastCycle: readonly RunRecord[] = []
  const log = (message: string) => reporter.info(`${new Date().toISOString()} ${message}`)
  // A job that fails while the broker is down is retried (options.retry) and the next cycle runs
  // as usual; the log says when the broker went away and came back.
  const outages = reportBrokerOutages(loaded.config.kafka.brokers, log)
  try {
    log(
      `orchestrator pid ${process.pid}: jobs ${options.jobs.join(' → ')} on ${batchRunnerLabel(choice)}, ${
        options.once
          ? 'once'
          : `${options.schedule.kind === 'every' ? 'every' : 'cron'} ${options.schedule.text}`
      }`,
    )
    const summary = await runOrchestratorLoop(
      { schedule: options.schedule, once: options.once },
      {
        now: Date.now,
        sleep,
        log,
        stopping: stopping.signal,
        onNextDue: async (dueAt) => {
          await writeNextDue(loaded.stateDir, dueAt)
          log(`next cycle due ${new Date(dueAt).toISOString()}`)
        },
        cycle: async () => {
          const records = await runCycle(options.jobs, options.retry, {
            runJob: (job) =>
              runJob(job, {
                loaded,
                reporter,
                signal: hardStop.signal,
                kafka: (role) => createKafka(loaded.config, role),
                ksql: () => createKsql(loaded.config),
                runner: flags,
              }),
            now: Date.now,
            sleep,
            log,
            record: (run) => appendRun(loaded.stateDir, run),
            stopping: stopping.signal,
            isPermanent: (error) =>
              isDipError(error) && (error.code === 'DIP_USAGE' || error.code === 'DIP_CONFIG'),
          })
          lastCycle = records
        },
      },
    )
    reporter.result({ ...summary, lastCycle })
    // A script running `--once` learns that a job failed; the long-running loop exits 0 on a stop.
    if (options.once && lastCycle.some((run) => run.status === 'failed')) process.exitCode = 1
    return { ...summary, lastCycle }
  } finally {
    outages.stop()
    release()
    await lock.release()
  }
}
