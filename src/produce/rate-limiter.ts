/**
 * Paces a sender at `ratePerSecond`: `allowance(now)` is how many more records may go out now,
 * `waitMs(now)` how long until the next one may. Pure arithmetic over a start time and a count.
 */
export function createRateLimiter(ratePerSecond: number | null, startMs: number) {
  let sent = 0
  return {
    allowance(nowMs: number): number {
      if (ratePerSecond === null) return Number.POSITIVE_INFINITY
      return Math.max(0, Math.floor(((nowMs - startMs) / 1000) * ratePerSecond) + 1 - sent)
    },
    waitMs(nowMs: number): number {
      if (ratePerSecond === null) return 0
      const dueMs = startMs + (sent / ratePerSecond) * 1000
      return Math.max(0, Math.ceil(dueMs - nowMs))
    },
    record(count: number): void {
      sent += count
    },
  }
}
