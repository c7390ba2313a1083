import type { LakeEntry } from './lake-tree.ts'

/** A DuckDB view over one feed's files: every date partition, JSON Lines and Parquet alike. */
export interface LakeView {
  readonly name: string
  readonly area: LakeEntry['area']
  readonly feed: string
  readonly sql: string
}

/**
 * One view per feed, named after its topic (`SELECT * FROM transaction_log`). The Hive folders
 * `year=/month=/day=` become columns. Dead letters are the view `_errors_<feed>`. Pure: builds SQL
 * text only.
 */
export function planLakeViews(root: string, entries: readonly LakeEntry[]): LakeView[] {
  const feeds = new Map<
    string,
    { area: LakeEntry['area']; feed: string; formats: Set<LakeEntry['format']> }
  >()
  for (const entry of entries) {
    const key = `${entry.area}/${entry.feed}`
    const seen = feeds.get(key) ?? { area: entry.area, feed: entry.feed, formats: new Set() }
    seen.formats.add(entry.format)
    feeds.set(key, seen)
  }
  const names = new Set<string>()
  const views: LakeView[] = []
  for (const { area, feed, formats } of [...feeds.values()].sort((a, b) => a.area.localeCompare(b.area))) {
    let name = area === '_errors' ? `_errors_${feed}` : feed
    if (names.has(name.toLowerCase())) name = `${area}_${feed}`
    names.add(name.toLowerCase())
    const base = `${root}/${area}/${feed}/year=*/month=*/day=*`
    const reads: string[] = []
    if (formats.has('jsonl'))
      reads.push(
        `SELECT * FROM read_json(${literal(`${base}/*.jsonl`)}, format = 'newline_delimited', hive_partitioning = true, ${HIVE_TYPES}, union_by_name = true, sample_size = -1)`,
      )
    if (formats.has('parquet'))
      reads.push(
        `SELECT * FROM read_parquet(${literal(`${base}/*.parquet`)}, hive_partitioning = true, ${HIVE_TYPES}, union_by_name = true)`,
      )
    views.push({
      name,
      area,
      feed,
      sql: `CREATE OR REPLACE VIEW ${identifier(name)} AS ${reads.join(' UNION ALL BY NAME ')}`,
    })
  }
  return views
}

// The date folders are whole numbers (year=2026/month=03 → 2026, 3) in JSON Lines and Parquet alike.
const HIVE_TYPES = `hive_types = {'year': INTEGER, 'month': INTEGER, 'day': INTEGER}`

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

export function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
