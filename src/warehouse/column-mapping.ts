import { DipError } from '../shared/errors.ts'
import { validateIdentifier } from '../mysql/quote-identifier.ts'
import type { SqlType } from '../ksql-engine/types/sql-type.ts'
import type { ColumnRole, WarehouseOverrides, WarehouseSource } from './source-schema.ts'

export interface ColumnMapping {
  /** Name in the decoded row. */
  readonly source: string
  /** MySQL column name. */
  readonly target: string
  readonly type: SqlType
  readonly role: ColumnRole
}

/** Where one ksqlDB table lands in MySQL, before looking at the database. */
export interface TableMapping {
  readonly topic: string
  readonly sourceName: string
  readonly table: string
  readonly columns: readonly ColumnMapping[]
}

/**
 * ksqlDB columns → MySQL columns: key columns, window bounds and value columns, renamed by the
 * feed config or lower-cased (the lab schema uses lower-case names), minus ignored columns.
 * Every name is validated here, so nothing later builds SQL from an unchecked name.
 */
export function mapColumns(source: WarehouseSource, overrides: WarehouseOverrides = {}): TableMapping {
  const table = overrides.warehouseTable ?? source.topic.toLowerCase()
  validateIdentifier(table, `MySQL table for ${source.name}`)
  const renames = new Map(
    Object.entries(overrides.columns ?? {}).map(([from, to]) => [from.toUpperCase(), to]),
  )
  const ignored = new Set((overrides.ignoreColumns ?? []).map((name) => name.toUpperCase()))
  const known = new Set(source.columns.map((column) => column.name.toUpperCase()))
  const unknown = [...renames.keys(), ...ignored].filter((name) => !known.has(name))
  if (unknown.length > 0) {
    throw new DipError(
      'DIP_CONFIG',
      `Feed ${source.topic}: column(s) ${unknown.join(', ')} are not in ${source.name}.`,
      {
        hint: `Known columns: ${[...known].join(', ')}. Fix the feed's columns / ignoreColumns.`,
      },
    )
  }
  const columns: ColumnMapping[] = []
  const byTarget = new Map<string, string>()
  for (const column of source.columns) {
    const upper = column.name.toUpperCase()
    if (ignored.has(upper)) continue
    const target = renames.get(upper) ?? column.name.toLowerCase()
    validateIdentifier(target, `MySQL column for ${source.name}.${column.name}`)
    const clash = byTarget.get(target.toLowerCase())
    if (clash !== undefined) {
      throw new DipError(
        'DIP_CONFIG',
        `Feed ${source.topic}: ${clash} and ${column.name} both map to MySQL column ${target}.`,
        {
          hint: `Rename one of them in the feed's columns, or list one in ignoreColumns.`,
        },
      )
    }
    byTarget.set(target.toLowerCase(), column.name)
    columns.push({ source: column.name, target, type: column.type, role: column.role })
  }
  if (!columns.some((column) => column.role !== 'value')) {
    throw new DipError(
      'DIP_CONFIG',
      `${source.name} has no key column mapped to MySQL, so rows cannot be upserted.`,
      {
        hint: 'Do not ignore key columns; a ksqlDB TABLE always has a PRIMARY KEY.',
      },
    )
  }
  return { topic: source.topic, sourceName: source.name, table, columns }
}
