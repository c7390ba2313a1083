/** One column of an existing MySQL table, as read from information_schema.COLUMNS. */
export interface MysqlColumn {
  readonly name: string
  /** DATA_TYPE, lower-case: int, bigint, decimal, varchar, json, datetime, enum… */
  readonly dataType: string
  /** COLUMN_TYPE: `decimal(15,2)`, `enum('read','write')`, `tinyint(1)`, `bigint(20) unsigned`… */
  readonly columnType: string
  readonly nullable: boolean
  readonly primaryKey: boolean
  /** Has a default, is generated or auto-incremented: an INSERT may leave it out. */
  readonly optional: boolean
  /** Filled by the server: auto-increment, generated, or defaulting to the current time (last_updated_at). */
  readonly serverFilled: boolean
  readonly numericScale: number | null
  readonly maxLength: number | null
}

export const COLUMNS_QUERY =
  'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable, ' +
  'COLUMN_KEY AS columnKey, COLUMN_DEFAULT AS columnDefault, EXTRA AS extra, NUMERIC_SCALE AS numericScale, ' +
  'CHARACTER_MAXIMUM_LENGTH AS maxLength FROM information_schema.COLUMNS ' +
  'WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION'

/** information_schema row → MysqlColumn (MariaDB reports a missing default as the text NULL). */
export function toMysqlColumn(row: Readonly<Record<string, unknown>>): MysqlColumn {
  const text = (value: unknown) =>
    value == null ? '' : Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
  const number = (value: unknown) => (value == null ? null : Number(value))
  const nullable = text(row['nullable']).toUpperCase() === 'YES'
  const rawDefault = row['columnDefault']
  const hasDefault = rawDefault != null && !(text(rawDefault) === 'NULL' && nullable)
  const extra = text(row['extra']).toLowerCase()
  const generated = extra.includes('auto_increment') || extra.includes('generated')
  const now = /current_timestamp|now\(/i.test(text(rawDefault))
  return {
    name: text(row['name']),
    dataType: text(row['dataType']).toLowerCase(),
    columnType: text(row['columnType']).toLowerCase(),
    nullable,
    primaryKey: text(row['columnKey']).toUpperCase() === 'PRI',
    optional: nullable || hasDefault || generated,
    serverFilled: generated || now,
    numericScale: number(row['numericScale']),
    maxLength: number(row['maxLength']),
  }
}
