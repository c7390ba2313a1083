import { decideTick } from './tick.ts'
import { nextDue, type Schedule } from './schedule.ts'

export interface LoopDeps {
  readonly now: () => number
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  readonly log: (message: string) => void
  /** One cycle of jobs; the loop never starts a second while one runs. */
  readonly cycle: () => Promise<void>
  readonly stopping: AbortSignal
  /** Told the next due time after each decision (for `dip status`). */
  readonly onNextDue?: (dueAt: number) => void | Promise<void>
}

export interface LoopOptions {
  readonly schedule: Schedule
  /** Run one cycle and return. */
  readonly once: boolean
}

export interface LoopSummary {
  readonly cycles: number
  readonly skipped: number
}

/**
 * Runs a cycle at once (to clear the backlog), then at each due time. A tick that falls while a
 * cycle is still running is skipped and logged. When `stopping` aborts, the loop waits for the
 * running cycle (its jobs see the same signal) and returns.
 */
export async function runOrchestratorLoop(options: LoopOptions, deps: LoopDeps): Promise<LoopSummary> {
  const anchor = deps.now()
  let cycles = 0
  let skipped = 0
  let runningSince: number | null = null
  let running: Promise<void> | null = null
  const start = () => {
    cycles++
    runningSince = deps.now()
    running = deps
      .cycle()
      .catch((error: unknown) =>
        deps.log(`cycle failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        runningSince = null
        running = null
      })
    return running
  }
  if (options.once) {
    await start()
    return { cycles, skipped }
  }
  void start()
  let due = nextDue(options.schedule, anchor, anchor)
  while (!deps.stopping.aborted) {
    await deps.onNextDue?.(due)
    const wait = due - deps.now()
    if (wait > 0) await deps.sleep(wait, deps.stopping)
    if (deps.stopping.aborted) break
    const decision = decideTick({ dueAt: due, runningSince })
    switch (decision.kind) {
      case 'run':
        void start()
        break
      case 'skip':
        skipped++
        deps.log(`tick due ${new Date(decision.dueAt).toISOString()} skipped: ${decision.reason}`)
        break
    }
    due = nextDue(options.schedule, Math.max(due, deps.now()), anchor)
  }
  const still: Promise<void> | null = running
  if (still !== null) {
    deps.log('stopping: waiting for the running job to finish')
    await still
  }
  return { cycles, skipped }
}
