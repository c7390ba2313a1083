import type { LakeEntry } from './lake-tree.ts'

export interface FeedSummary {
  readonly area: LakeEntry['area']
  readonly feed: string
  readonly partitions: number
  readonly files: number
  readonly rows: number
  readonly bytes: number
  readonly oldest: string
  readonly newest: string
}

/** Per feed (and area): date partitions, files, rows, bytes and the date range. */
export function summarizeLake(
  entries: readonly LakeEntry[],
  rowsOf: ReadonlyMap<string, number>,
): FeedSummary[] {
  const groups = new Map<string, LakeEntry[]>()
  for (const entry of entries) {
    const key = `${entry.area}/${entry.feed}`
    groups.set(key, [...(groups.get(key) ?? []), entry])
  }
  return [...groups.values()]
    .map((files) => {
      const first = files[0]!
      const dates = files.map((f) => f.date).sort()
      return {
        area: first.area,
        feed: first.feed,
        partitions: new Set(files.map((f) => f.partition)).size,
        files: files.length,
        rows: files.reduce((sum, f) => sum + (rowsOf.get(f.path) ?? 0), 0),
        bytes: files.reduce((sum, f) => sum + f.bytes, 0),
        oldest: dates[0] ?? '',
        newest: dates[dates.length - 1] ?? '',
      }
    })
    .sort((a, b) => a.area.localeCompare(b.area) || a.feed.localeCompare(b.feed))
}
