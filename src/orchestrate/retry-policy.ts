/** How often a failing job is tried again within one cycle, and how long to wait in between. */
export interface RetryPolicy {
  /** Extra attempts after the first (0 = no retry). */
  readonly retries: number
  readonly initialDelayMs: number
  readonly factor: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 2,
  initialDelayMs: 5_000,
  factor: 2,
  maxDelayMs: 60_000,
}

/** Delay before retry number `retry` (1-based): initial × factor^(retry-1), capped. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const delay = policy.initialDelayMs * policy.factor ** Math.max(0, retry - 1)
  return Math.min(policy.maxDelayMs, Math.round(delay))
}
