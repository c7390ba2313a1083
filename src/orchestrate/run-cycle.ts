import { backoffDelay, type RetryPolicy } from './retry-policy.ts'
import type { JobName, JobOutcome, RunRecord } from './run-record.ts'

export type JobRunner = (job: JobName) => Promise<JobOutcome>

export interface CycleDeps {
  readonly runJob: JobRunner
  readonly now: () => number
  /** Resolves after `ms`, or early when the signal aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  readonly record: (run: RunRecord) => Promise<void>
  readonly log: (message: string) => void
  /** Aborted on SIGINT/SIGTERM: no further retry or job starts; the running one finishes. */
  readonly stopping: AbortSignal
  /** Errors not worth retrying (bad config, unknown topic): the same input fails the same way. */
  readonly isPermanent: (error: unknown) => boolean
}

/**
 * Runs the jobs in order, once each. A failing job is retried with backoff, then recorded as failed
 * with its error, and the next job still runs. Returns every record written.
 */
export async function runCycle(
  jobs: readonly JobName[],
  policy: RetryPolicy,
  deps: CycleDeps,
): Promise<RunRecord[]> {
  const records: RunRecord[] = []
  for (const job of jobs) {
    if (deps.stopping.aborted) break
    const start = deps.now()
    let attempts = 0
    let record: RunRecord | undefined
    for (;;) {
      attempts++
      try {
        const { partialFailure, ...counts } = await deps.runJob(job)
        record = {
          job,
          start: iso(start),
          end: iso(deps.now()),
          status: partialFailure === undefined ? 'ok' : 'failed',
          attempts,
          ...counts,
          ...(partialFailure === undefined ? {} : { error: partialFailure }),
        }
        break
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        const retry = attempts <= policy.retries && !deps.isPermanent(error) && !deps.stopping.aborted
        if (!retry) {
          record = {
            job,
            start: iso(start),
            end: iso(deps.now()),
            status: 'failed',
            attempts,
            records: 0,
            files: 0,
            rows: 0,
            error: message,
          }
          break
        }
        const delay = backoffDelay(policy, attempts)
        deps.log(`${job}: failed (${message}); retry ${attempts} of ${policy.retries} in ${delay} ms`)
        await deps.sleep(delay, deps.stopping)
      }
    }
    records.push(record)
    await deps.record(record)
    deps.log(
      record.status === 'ok'
        ? `${job}: ok, ${record.records} records, ${record.files} files, ${record.rows} rows`
        : `${job}: failed after ${record.attempts} attempt(s): ${record.error ?? ''}`,
    )
  }
  return records
}

const iso = (ms: number) => new Date(ms).toISOString()
