import type { LakeEntry } from './lake-tree.ts'

export interface ExpiredPartition {
  readonly area: LakeEntry['area']
  readonly feed: string
  readonly date: string
  /** Relative to the lake root. */
  readonly partition: string
  readonly files: number
  readonly bytes: number
}

/**
 * Date partitions strictly older than `days` days before `today` (`YYYY-MM-DD`, the lake's time
 * zone): with --days 7 on 2026-03-10, 2026-03-03 is kept and 2026-03-02 goes. `feeds` limits the plan.
 */
export function planRetention(
  entries: readonly LakeEntry[],
  options: { readonly today: string; readonly days: number; readonly feeds?: readonly string[] },
): ExpiredPartition[] {
  const cutoff = shiftDate(options.today, -options.days)
  const byPartition = new Map<string, ExpiredPartition>()
  for (const entry of entries) {
    if (entry.date >= cutoff) continue
    if (options.feeds !== undefined && !options.feeds.includes(entry.feed)) continue
    const seen = byPartition.get(entry.partition)
    byPartition.set(entry.partition, {
      area: entry.area,
      feed: entry.feed,
      date: entry.date,
      partition: entry.partition,
      files: (seen?.files ?? 0) + 1,
      bytes: (seen?.bytes ?? 0) + entry.bytes,
    })
  }
  return [...byPartition.values()].sort((a, b) => a.partition.localeCompare(b.partition))
}

/** `YYYY-MM-DD` ± days, in calendar days (no time zone involved). */
export function shiftDate(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000
  return new Date(ms).toISOString().slice(0, 10)
}

/** Today's date in a time zone, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now)
}
