import { DipError } from '../shared/errors.ts'
import { isValidIdentifier, validateIdentifier } from '../mysql/quote-identifier.ts'
import type { SqlType } from '../ksql-engine/light-api.ts'
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
    if (!isValidIdentifier(target)) throw columnNameError(source, column.name, target)
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

/** Why MySQL (or dip's stricter check) refuses a column name, with the feed entry that fixes it. */
function columnNameError(source: WarehouseSource, column: string, target: string): DipError {
  const problem =
    target.length > MYSQL_MAX_IDENTIFIER
      ? `it is ${target.length} characters long and MySQL names are at most ${MYSQL_MAX_IDENTIFIER} ` +
        `(MySQL refuses it: ER_TOO_LONG_IDENT (1059) Identifier name '${target}' is too long)`
      : 'only letters, digits, _ and $ are accepted in MySQL names dip writes (not only digits), so no name can inject SQL'
  const short = target.replace(/[^A-Za-z0-9_$]/g, '_').slice(0, MYSQL_MAX_IDENTIFIER)
  return new DipError(
    'DIP_USAGE',
    `Column ${column} of ksqlDB table ${source.name} (topic ${source.topic}) cannot become a MySQL column: ${problem}.`,
    {
      hint:
        `Map it to a valid name, or leave it out, with a feed in dip.config.yaml:\n` +
        `  feeds:\n    - topic: ${source.topic}\n      kind: table\n` +
        `      columns: { ${column}: ${/^\d+$/.test(short) || short === '' ? 'col_1' : short} }   # or: ignoreColumns: [${column}]`,
      details: { topic: source.topic, column },
    },
  )
}

const MYSQL_MAX_IDENTIFIER = 64
