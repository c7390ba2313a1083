import { basename } from 'node:path'
import { parseLakeFileName } from '../lake/file-name.ts'
import type { LakeEntry } from './lake-tree.ts'

export interface ExpiredPartition {
  readonly area: LakeEntry['area']
  readonly feed: string
  readonly date: string
  /** Relative to the lake root. */
  readonly partition: string
  /** Files deleted (or to delete). */
  readonly files: number
  readonly bytes: number
  readonly paths: readonly string[]
  /** Files kept because they hold the lake position (see planRetention). */
  readonly kept: number
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
  const holding = positionFiles(entries)
  const byPartition = new Map<string, ExpiredPartition>()
  for (const entry of entries) {
    if (entry.date >= cutoff) continue
    if (options.feeds !== undefined && !options.feeds.includes(entry.feed)) continue
    const seen = byPartition.get(entry.partition) ?? {
      area: entry.area,
      feed: entry.feed,
      date: entry.date,
      partition: entry.partition,
      files: 0,
      bytes: 0,
      paths: [],
      kept: 0,
    }
    byPartition.set(
      entry.partition,
      holding.has(entry.path)
        ? { ...seen, kept: seen.kept + 1 }
        : {
            ...seen,
            files: seen.files + 1,
            bytes: seen.bytes + entry.bytes,
            paths: [...seen.paths, entry.path],
          },
    )
  }
  return [...byPartition.values()].sort((a, b) => a.partition.localeCompare(b.partition))
}

/**
 * The lake sink resumes each Kafka partition after the newest window found in the file names
 * (src/lake/lake-position.ts), in any area. Deleting that window would make the next run sink the
 * partition again from the broker's first offset, so its files are never expired: they hold the
 * position. Older windows carry no position and may go.
 */
function positionFiles(entries: readonly LakeEntry[]): Set<string> {
  const newest = new Map<string, { last: bigint; paths: string[] }>()
  for (const entry of entries) {
    const name = parseLakeFileName(basename(entry.path))
    if (name === null) continue
    const key = `${name.topic}\u0000${name.partition}`
    const seen = newest.get(key)
    if (seen === undefined || name.lastOffset > seen.last)
      newest.set(key, { last: name.lastOffset, paths: [entry.path] })
    else if (name.lastOffset === seen.last) seen.paths.push(entry.path)
  }
  return new Set([...newest.values()].flatMap((n) => n.paths))
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
