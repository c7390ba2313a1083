/**
 * What the loop does when a due time arrives: start a cycle, or skip the tick because the previous
 * cycle is still running (the orchestrator never overlaps itself).
 */
export type TickDecision =
  | { readonly kind: 'run'; readonly dueAt: number }
  | { readonly kind: 'skip'; readonly dueAt: number; readonly reason: string }

export interface TickState {
  readonly dueAt: number
  /** Start time of the cycle still running, or null. */
  readonly runningSince: number | null
}

export function decideTick(state: TickState): TickDecision {
  if (state.runningSince === null) return { kind: 'run', dueAt: state.dueAt }
  return {
    kind: 'skip',
    dueAt: state.dueAt,
    reason: `the cycle started at ${new Date(state.runningSince).toISOString()} is still running`,
  }
}
