import type { ColumnMapping, TableMapping } from './column-mapping.ts'
import type { MysqlColumn } from './mysql-columns.ts'
import { addColumnsDdl, createTableDdl } from './table-ddl.ts'

export interface BoundColumn {
  readonly mapping: ColumnMapping
  readonly mysql: MysqlColumn
}

/** A mapping checked against the real table: what the writer needs to build statements. */
export interface BoundTable {
  readonly topic: string
  readonly sourceName: string
  readonly table: string
  readonly columns: readonly BoundColumn[]
  /** Mapped key (and window) columns: what identifies a row for collapsing and tombstone deletes. */
  readonly keyColumns: readonly BoundColumn[]
}

export type BindResult =
  | { readonly kind: 'bound'; readonly table: BoundTable }
  | { readonly kind: 'missing-table'; readonly table: string; readonly ddl: string }
  | {
      readonly kind: 'missing-columns'
      readonly table: string
      readonly columns: readonly string[]
      readonly ddl: string
    }
  | {
      readonly kind: 'unmapped-columns'
      readonly table: string
      /** Primary-key or NOT NULL columns without default that no ksqlDB column feeds. */
      readonly columns: readonly string[]
    }

/** Matches a mapping with the table's columns (names compare case-insensitively, as MySQL does). */
export function bindTable(mapping: TableMapping, existing: readonly MysqlColumn[] | undefined): BindResult {
  if (existing === undefined || existing.length === 0)
    return { kind: 'missing-table', table: mapping.table, ddl: createTableDdl(mapping) }
  const byName = new Map(existing.map((column) => [column.name.toLowerCase(), column]))
  const missing = mapping.columns.filter((column) => !byName.has(column.target.toLowerCase()))
  if (missing.length > 0) {
    return {
      kind: 'missing-columns',
      table: mapping.table,
      columns: missing.map((column) => column.target),
      ddl: addColumnsDdl(mapping.table, missing),
    }
  }
  const targets = new Set(mapping.columns.map((column) => column.target.toLowerCase()))
  const unmapped = existing.filter(
    (column) => !targets.has(column.name.toLowerCase()) && (column.primaryKey || !column.optional),
  )
  if (unmapped.length > 0)
    return { kind: 'unmapped-columns', table: mapping.table, columns: unmapped.map((column) => column.name) }
  const columns = mapping.columns.map((column) => ({
    mapping: { ...column, target: byName.get(column.target.toLowerCase())?.name ?? column.target },
    mysql: byName.get(column.target.toLowerCase()) as MysqlColumn,
  }))
  return {
    kind: 'bound',
    table: {
      topic: mapping.topic,
      sourceName: mapping.sourceName,
      table: mapping.table,
      columns,
      keyColumns: columns.filter((column) => column.mapping.role !== 'value'),
    },
  }
}
