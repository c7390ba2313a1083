import { quoteIdentifier } from '../mysql/quote-identifier.ts'
import { assertNever } from '../shared/assert-never.ts'
import type { SqlType } from '../ksql-engine/light-api.ts'
import type { ColumnMapping, TableMapping } from './column-mapping.ts'

/**
 * InnoDB limits an index key to 3072 bytes (DYNAMIC row format, the default on MySQL 8 and
 * MariaDB 10.2+), and utf8mb4 reserves 4 bytes per character: string key columns share that budget.
 */
const MAX_KEY_BYTES = 3072
const MAX_KEY_CHARS = 255
const LAST_UPDATED = 'last_updated_at'

/** MySQL type for a ksqlDB type; key columns need bounded lengths to fit in the primary key. */
export function mysqlTypeFor(type: SqlType, options: { readonly keyLength?: number } = {}): string {
  const key = options.keyLength
  switch (type.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN'
    case 'INTEGER':
      return 'INT'
    case 'BIGINT':
      return 'BIGINT'
    case 'DOUBLE':
      return 'DOUBLE'
    case 'DECIMAL': {
      const precision = Math.min(Math.max(type.precision, 1), 65)
      return `DECIMAL(${precision},${Math.min(type.scale, 30, precision)})`
    }
    case 'STRING':
      return key === undefined ? 'TEXT' : `VARCHAR(${key})`
    case 'BYTES':
      return key === undefined ? 'BLOB' : `VARBINARY(${key})`
    case 'TIMESTAMP':
      return 'DATETIME(3)'
    case 'DATE':
      return 'DATE'
    case 'TIME':
      return 'TIME(3)'
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      // A JSON document cannot be part of a key: keys of these types are stored as their JSON text.
      return key === undefined ? 'JSON' : `VARCHAR(${key})`
    default:
      return assertNever(type, 'SQL type')
  }
}

function fixedKeyBytes(type: SqlType): number | undefined {
  switch (type.kind) {
    case 'BOOLEAN':
      return 1
    case 'INTEGER':
    case 'DATE':
      return 4
    case 'BIGINT':
    case 'DOUBLE':
    case 'TIMESTAMP':
    case 'TIME':
      return 8
    case 'DECIMAL':
      return Math.ceil(type.precision / 2) + 1
    case 'STRING':
    case 'BYTES':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return undefined
    default:
      return assertNever(type, 'SQL type')
  }
}

/** Character length for each variable-length key column, so the whole primary key fits in 3072 bytes. */
export function keyLength(keyColumns: readonly ColumnMapping[]): number {
  let fixed = 0
  let variable = 0
  for (const column of keyColumns) {
    const bytes = fixedKeyBytes(column.type)
    if (bytes === undefined) variable += 1
    else fixed += bytes
  }
  if (variable === 0) return MAX_KEY_CHARS
  return Math.max(1, Math.min(MAX_KEY_CHARS, Math.floor((MAX_KEY_BYTES - fixed) / (4 * variable))))
}

function columnDefinition(column: ColumnMapping, length: number): string {
  const isKey = column.role !== 'value'
  const type = mysqlTypeFor(column.type, isKey ? { keyLength: length } : {})
  return `${quoteIdentifier(column.target)} ${type} ${isKey ? 'NOT NULL' : 'NULL'}`
}

/** `CREATE TABLE` for a mapping: key columns (with window bounds) as the primary key, like the lab schema. */
export function createTableDdl(mapping: TableMapping): string {
  const keys = mapping.columns.filter((column) => column.role !== 'value')
  const length = keyLength(keys)
  const lines = mapping.columns.map((column) => `  ${columnDefinition(column, length)}`)
  if (!mapping.columns.some((column) => column.target.toLowerCase() === LAST_UPDATED)) {
    lines.push(
      `  ${quoteIdentifier(LAST_UPDATED)} TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`,
    )
  }
  lines.push(`  PRIMARY KEY (${keys.map((column) => quoteIdentifier(column.target)).join(', ')})`)
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(mapping.table)} (\n${lines.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`
}

/** `ALTER TABLE … ADD COLUMN` for mapped columns the table lacks (added as nullable value columns). */
export function addColumnsDdl(table: string, columns: readonly ColumnMapping[]): string {
  const adds = columns.map(
    (column) =>
      `ADD COLUMN ${quoteIdentifier(column.target)} ${mysqlTypeFor(column.type, column.role === 'value' ? {} : { keyLength: MAX_KEY_CHARS })} NULL`,
  )
  return `ALTER TABLE ${quoteIdentifier(table)} ${adds.join(', ')};`
}
