import { appendFile, mkdir, rm, rmdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { createContext, type GlobalOptions } from '../app/context.ts'
import { acquireLakeLock } from '../lake/lake-lock.ts'
import { countRows, openLakeDuck, queryLake, type QueryResult } from '../lake-tools/lake-duck.ts'
import { summarizeLake, type FeedSummary } from '../lake-tools/lake-summary.ts'
import { scanLake } from '../lake-tools/lake-tree.ts'
import { planRetention, todayIn, type ExpiredPartition } from '../lake-tools/retention-plan.ts'
import { formatBytes } from '../shared/format-bytes.ts'

/** `dip lake ls`: feeds with their date partitions, files, rows and bytes. */
export async function lakeLs(global: GlobalOptions): Promise<FeedSummary[]> {
  const { loaded, reporter } = createContext(global)
  const entries = await scanLake(loaded.lakeRoot)
  let duck: { duck: DuckDBConnection; close(): void } | undefined
  try {
    const rows = await countRows(entries, async () => (duck ??= await openLakeDuck(loaded.lakeRoot, [])).duck)
    const feeds = summarizeLake(entries, rows)
    reporter.result({ lakeRoot: loaded.lakeRoot, feeds })
    if (feeds.length === 0) reporter.info(`the lake ${loaded.lakeRoot} holds no data files yet`)
    else
      reporter.table(
        feeds.map((f) => [
          f.feed,
          f.area,
          f.partitions,
          f.files,
          f.rows,
          formatBytes(f.bytes),
          `${f.oldest} … ${f.newest}`,
        ]),
        { header: ['feed', 'area', 'partitions', 'files', 'rows', 'bytes', 'dates'] },
      )
    return feeds
  } finally {
    duck?.close()
  }
}

/** `dip lake query "<SQL>"`: DuckDB over the lake, one view per feed. */
export async function lakeQuery(sql: string, global: GlobalOptions): Promise<QueryResult> {
  const { loaded, reporter } = createContext(global)
  const entries = await scanLake(loaded.lakeRoot)
  const lake = await openLakeDuck(loaded.lakeRoot, entries)
  try {
    const result = await queryLake(lake.duck, sql)
    reporter.result(result.rows)
    reporter.table(
      result.rows.map((row) => result.columns.map((column) => show(row[column]))),
      { header: result.columns },
    )
    if (!reporter.json) reporter.info(`${result.rows.length} row(s)`)
    return result
  } finally {
    lake.close()
  }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

export interface RetainOptions {
  readonly days: number
  readonly feeds?: readonly string[]
  readonly dryRun: boolean
}

/**
 * `dip lake retain`: deletes date partitions older than N days (in lake.timeZone), under the lake
 * lock so no sink writes meanwhile. Deletions are appended to `<stateDir>/retention.jsonl`.
 */
export async function lakeRetain(options: RetainOptions, global: GlobalOptions): Promise<ExpiredPartition[]> {
  const { loaded, reporter } = createContext(global)
  const lock = options.dryRun ? null : await acquireLakeLock(loaded.lakeRoot)
  try {
    const entries = await scanLake(loaded.lakeRoot)
    const today = todayIn(loaded.config.lake.timeZone, Date.now())
    const expired = planRetention(entries, {
      today,
      days: options.days,
      ...(options.feeds === undefined ? {} : { feeds: options.feeds }),
    })
    if (!options.dryRun) {
      await mkdir(loaded.stateDir, { recursive: true })
      for (const partition of expired) {
        const dir = join(loaded.lakeRoot, partition.partition)
        for (const path of partition.paths) await rm(path, { force: true })
        // Folders left empty go too (rmdir refuses one that still holds files or days).
        await rmdir(dir).catch(() => undefined)
        await rmdir(dirname(dir)).catch(() => undefined)
        await rmdir(dirname(dirname(dir))).catch(() => undefined)
        await appendFile(
          join(loaded.stateDir, 'retention.jsonl'),
          `${JSON.stringify({ at: new Date().toISOString(), days: options.days, ...partition })}\n`,
        )
      }
    }
    reporter.result({ dryRun: options.dryRun, today, days: options.days, partitions: expired })
    reporter.table(
      expired.map((p) => [
        p.feed,
        p.area,
        p.date,
        p.files,
        formatBytes(p.bytes),
        p.kept > 0 ? `${p.kept} kept` : '',
      ]),
      { header: ['feed', 'area', 'date', 'files', 'bytes', 'note'] },
    )
    const bytes = expired.reduce((sum, p) => sum + p.bytes, 0)
    const kept = expired.reduce((sum, p) => sum + p.kept, 0)
    if (kept > 0)
      reporter.info(
        `kept ${kept} old file(s): each holds the newest window of its Kafka partition, where the lake sink resumes`,
      )
    const verb = options.dryRun ? 'would delete' : 'deleted'
    reporter.info(
      expired.length === 0
        ? `nothing older than ${options.days} day(s) (today ${today})`
        : `${verb} ${expired.length} partition(s), ${formatBytes(bytes)}, older than ${options.days} day(s)`,
    )
    return expired
  } finally {
    await lock?.release()
  }
}
