/** One stage of a job's Beam pipeline: elements in and out and the stage's own seconds. */
export interface StageRecord {
  readonly stage: string
  readonly in: number
  readonly out: number
  readonly seconds: number
}

/** One line of `<stateDir>/runs.jsonl`: one job run by the orchestrator. */
export interface RunRecord {
  readonly job: JobName
  /** ISO timestamps. */
  readonly start: string
  readonly end: string
  readonly status: 'ok' | 'failed'
  /** Kafka records read. */
  readonly records: number
  /** Lake files written (lake job). */
  readonly files: number
  /** MySQL rows upserted or deleted (warehouse job). */
  readonly rows: number
  /** 1 for the first try; more when retries were needed. */
  readonly attempts: number
  readonly error?: string
  /** The Beam runner the job's pipeline ran on, e.g. beam-direct (absent in older records). */
  readonly runner?: string
  /** Records routed to the dead-letter side output (lake _errors, warehouse dip_rejects). */
  readonly deadLetters?: number
  /** The pipeline's stages: elements in and out and each stage's own seconds. */
  readonly stages?: readonly StageRecord[]
}

export const JOB_NAMES = ['lake', 'warehouse'] as const
export type JobName = (typeof JOB_NAMES)[number]

/** What a job returns when it ran to its end. */
export interface JobOutcome {
  readonly records: number
  readonly files: number
  readonly rows: number
  /**
   * Set when part of the job failed although the rest was done (a warehouse table MySQL refused
   * while the others were written): the run is recorded as failed, with these counts, not retried
   * (the done part is done; the next cycle tries the failed part again).
   */
  readonly partialFailure?: string
  readonly runner?: string
  readonly deadLetters?: number
  readonly stages?: readonly StageRecord[]
}

/** Parses runs.jsonl text; lines that are not a run record (e.g. cut by a crash) are skipped. */
export function parseRunRecords(text: string): RunRecord[] {
  const records: RunRecord[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      const value = JSON.parse(line) as Partial<RunRecord>
      if (
        typeof value.job === 'string' &&
        typeof value.start === 'string' &&
        typeof value.status === 'string'
      )
        records.push(value as RunRecord)
    } catch {
      // a half-written last line
    }
  }
  return records
}
