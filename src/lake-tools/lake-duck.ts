import { readFile } from 'node:fs/promises'
import type { DuckDBConnection } from '@duckdb/node-api'
import { DipError } from '../shared/errors.ts'
import { planLakeViews, literal, type LakeView } from './lake-views.ts'
import type { LakeEntry } from './lake-tree.ts'

export interface QueryResult {
  readonly columns: readonly string[]
  readonly rows: readonly Record<string, unknown>[]
}

/** An in-memory DuckDB with one view per lake feed. */
export async function openLakeDuck(
  root: string,
  entries: readonly LakeEntry[],
): Promise<{ duck: DuckDBConnection; views: LakeView[]; close(): void }> {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' })
  const duck = await instance.connect()
  const views = planLakeViews(root, entries)
  for (const view of views) await duck.run(view.sql)
  return { duck, views, close: () => duck.closeSync() }
}

export async function queryLake(duck: DuckDBConnection, sql: string): Promise<QueryResult> {
  try {
    const reader = await duck.runAndReadAll(sql)
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] }
  } catch (error) {
    throw new DipError('DIP_USAGE', `the query failed: ${(error as Error).message}`, {
      hint: 'each lake feed is a view named after its topic: dip lake ls lists them',
    })
  }
}

/** Rows per file: lines for JSON Lines, the footer's row count for Parquet. */
export async function countRows(
  entries: readonly LakeEntry[],
  duck: () => Promise<DuckDBConnection>,
): Promise<Map<string, number>> {
  const rows = new Map<string, number>()
  const parquet: string[] = []
  for (const entry of entries) {
    if (entry.format === 'parquet') {
      parquet.push(entry.path)
      continue
    }
    const text = await readFile(entry.path, 'utf8')
    rows.set(entry.path, text.split('\n').filter((line) => line.trim() !== '').length)
  }
  if (parquet.length > 0) {
    const reader = await (
      await duck()
    ).runAndReadAll(
      `SELECT file_name, num_rows FROM parquet_file_metadata([${parquet.map(literal).join(', ')}])`,
    )
    for (const row of reader.getRowObjectsJson()) rows.set(String(row['file_name']), Number(row['num_rows']))
  }
  return rows
}
