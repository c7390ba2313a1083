import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { isTempFileName } from '../lake/file-name.ts'

/** One data file of the lake: `<root>/<area>/<FEED>/year=YYYY/month=MM/day=DD/<file>`. */
export interface LakeEntry {
  readonly area: 'streams' | 'tables' | '_errors'
  readonly feed: string
  /** `YYYY-MM-DD` of its date partition. */
  readonly date: string
  /** The partition folder, relative to the root. */
  readonly partition: string
  readonly path: string
  readonly format: 'jsonl' | 'parquet'
  readonly bytes: number
}

const AREAS = ['streams', 'tables', '_errors'] as const
const DATE_DIRS = /^year=(\d{4})$|^month=(\d{2})$|^day=(\d{2})$/

/** Every finished data file under the root (temp files of a running sink are left out). */
export async function scanLake(root: string): Promise<LakeEntry[]> {
  const entries: LakeEntry[] = []
  for (const area of AREAS) {
    for (const feed of await dirs(join(root, area))) {
      for (const year of await dirs(join(root, area, feed), 'year=')) {
        for (const month of await dirs(join(root, area, feed, year), 'month=')) {
          for (const day of await dirs(join(root, area, feed, year, month), 'day=')) {
            const partition = join(area, feed, year, month, day)
            const date = `${year.slice(5)}-${month.slice(6)}-${day.slice(4)}`
            for (const file of await readdir(join(root, partition)).catch(() => [])) {
              const format = file.endsWith('.parquet') ? 'parquet' : file.endsWith('.jsonl') ? 'jsonl' : null
              if (format === null || isTempFileName(file)) continue
              const path = join(root, partition, file)
              const info = await stat(path)
              entries.push({ area, feed, date, partition, path, format, bytes: info.size })
            }
          }
        }
      }
    }
  }
  return entries
}

async function dirs(path: string, prefix?: string): Promise<string[]> {
  const found = await readdir(path, { withFileTypes: true }).catch(() => [])
  return found
    .filter(
      (d) =>
        d.isDirectory() && (prefix === undefined || (d.name.startsWith(prefix) && DATE_DIRS.test(d.name))),
    )
    .map((d) => d.name)
    .sort()
}
