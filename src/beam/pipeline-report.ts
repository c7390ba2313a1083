import type { BeamRunnerLabel } from './runner-choice.ts'
import type { StageReport } from './stage-stats.ts'

/** What `--json` and `dip runs` say about a batch job's pipeline. */
export interface PipelineReport {
  readonly runner: BeamRunnerLabel
  /** Records read from Kafka. */
  readonly recordsIn: number
  /** Records written as rows (lake rows; warehouse upserts and deletes, before key de-duplication). */
  readonly recordsOut: number
  /** Records routed to the dead-letter side output (lake _errors; warehouse dip_rejects). */
  readonly deadLetters: number
  readonly stages: readonly StageReport[]
}

/** The figures of a job that found nothing to read: no pipeline ran. */
export function emptyReport(runner: BeamRunnerLabel): PipelineReport {
  return { runner, recordsIn: 0, recordsOut: 0, deadLetters: 0, stages: [] }
}
