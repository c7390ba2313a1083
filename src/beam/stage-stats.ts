/** What one step of a Beam pipeline did in a run, as its operator counts it. */
export interface StageStats {
  readonly stage: string
  /** Elements received. */
  in: number
  /** Elements emitted (to every output). */
  out: number
  /** Wall time inside the step, downstream steps included... */
  totalMs: number
  /** ...and the part of it spent waiting for the steps after it. */
  downstreamMs: number
}

export function stageStats(stage: string): StageStats {
  return { stage, in: 0, out: 0, totalMs: 0, downstreamMs: 0 }
}

/** One stage in `--json` and in `dip runs`: elements in and out, and the stage's own seconds. */
export interface StageReport {
  readonly stage: string
  readonly in: number
  readonly out: number
  readonly seconds: number
}

/**
 * Per-stage figures in pipeline order, each with its own time (without the steps it waited for).
 * A stage that ran more than once (several operators) is summed.
 */
export function stageReports(stats: readonly StageStats[], order: readonly string[]): StageReport[] {
  return order.map((stage) => {
    const of = stats.filter((s) => s.stage === stage)
    const own = of.reduce((sum, s) => sum + Math.max(0, s.totalMs - s.downstreamMs), 0)
    return {
      stage,
      in: of.reduce((sum, s) => sum + s.in, 0),
      out: of.reduce((sum, s) => sum + s.out, 0),
      seconds: Math.round(own) / 1000,
    }
  })
}
