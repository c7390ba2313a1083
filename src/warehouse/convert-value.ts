import type { SqlType } from '../ksql-engine/light-api.ts'
import type { MysqlColumn } from './mysql-columns.ts'

/** A value that cannot be stored in its column: the row goes to dip_rejects with this message. */
export class ConversionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConversionError'
  }
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year', 'bit'])
const NUMERIC_TYPES = new Set(['decimal', 'numeric', 'float', 'double', 'real'])
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set'])
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob'])
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/**
 * A decoded ksqlDB value → the parameter mysql2 sends for `column`. Times are written as UTC text
 * (the writer's session runs with time_zone '+00:00'), JSON-ish values as JSON text. Anything that
 * cannot fit throws ConversionError so that only that row is rejected.
 */
export function convertValue(value: unknown, column: MysqlColumn, sourceType?: SqlType): unknown {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new ConversionError(`NULL for NOT NULL column ${column.name}`)
    return null
  }
  const type = column.dataType
  if (type === 'json') return toJsonText(value, sourceType)
  if (INTEGER_TYPES.has(type)) return toInteger(value, column)
  if (NUMERIC_TYPES.has(type)) return toNumeric(value, column)
  if (type === 'datetime' || type === 'timestamp') return toDateTime(value, column)
  if (type === 'date') return toDate(value, column, sourceType)
  if (type === 'time') return toTime(value, column)
  if (TEXT_TYPES.has(type)) return toText(value, column)
  if (BINARY_TYPES.has(type)) return toBinary(value, sourceType)
  return isStructured(value) ? JSON.stringify(value) : value
}

function isStructured(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !(value instanceof Date)
}

function describe(value: unknown): string {
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : isStructured(value)
        ? JSON.stringify(value)
        : String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function fail(value: unknown, column: MysqlColumn, why: string): never {
  throw new ConversionError(`${describe(value)} does not fit ${column.name} ${column.columnType}: ${why}`)
}

function toJsonText(value: unknown, sourceType: SqlType | undefined): string {
  // A STRING column that already holds JSON text (e.g. built with CONCAT) is stored as that document.
  if (typeof value === 'string' && sourceType?.kind === 'STRING') {
    try {
      JSON.parse(value)
      return value
    } catch {
      return JSON.stringify(value)
    }
  }
  return JSON.stringify(value instanceof Map ? Object.fromEntries(value) : value)
}

function toInteger(value: unknown, column: MysqlColumn): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(value, column, 'not a finite number')
    return value
  }
  if (typeof value === 'string') {
    const trimmed = value.trim()
    if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true' ? 1 : 0
    if (NUMBER_TEXT.test(trimmed)) return trimmed
  }
  return fail(value, column, 'not a number')
}

function toNumeric(value: unknown, column: MysqlColumn): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(value, column, 'not a finite number')
    return value
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) return value.trim()
  // The engine's Decimal (and similar) print their exact digits.
  if (typeof value === 'object' && NUMBER_TEXT.test(String(value))) return String(value)
  return fail(value, column, 'not a number')
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})[ T](\d{2}:\d{2}:\d{2})$/

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, MySQL's literal form, from epoch ms, ISO-8601 or dd/mm/YYYY text. */
export function toUtcDateTimeText(value: unknown): string | undefined {
  if (value instanceof Date) return formatEpochMs(value.getTime())
  if (typeof value === 'number') return Number.isFinite(value) ? formatEpochMs(value) : undefined
  if (typeof value === 'bigint') return formatEpochMs(Number(value))
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (/^-?\d+$/.test(text)) return formatEpochMs(Number(text))
  const dmy = DMY.exec(text)
  if (dmy !== null) return `${dmy[3]}-${dmy[2]}-${dmy[1]} ${dmy[4]}`
  const iso = ISO.exec(text)
  if (iso === null) return undefined
  const [, date, time = '00:00:00', fraction = '', zone] = iso
  const seconds = time.length === 5 ? `${time}:00` : time
  if (zone === undefined || zone === 'Z') {
    // Keep up to microseconds (the lab's timestamps carry 6 digits), no time-zone arithmetic needed.
    return `${date} ${seconds}${fraction.slice(0, 7)}`
  }
  const ms = Date.parse(`${date}T${seconds}${fraction.slice(0, 4)}${zone}`)
  if (Number.isNaN(ms)) return undefined
  const micros = fraction.length > 4 ? fraction.slice(4, 7) : ''
  return `${formatEpochMs(ms)}${micros}`
}

function formatEpochMs(ms: number): string | undefined {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return undefined
  const iso = date.toISOString() // 2025-04-08T09:19:02.128Z; years beyond 9999 do not fit MySQL anyway
  if (!/^\d{4}-/.test(iso)) return undefined
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
}

function toDateTime(value: unknown, column: MysqlColumn): string {
  return (
    toUtcDateTimeText(value) ?? fail(value, column, 'expected epoch milliseconds or an ISO-8601 date-time')
  )
}

function toDate(value: unknown, column: MysqlColumn, sourceType: SqlType | undefined): string {
  // ksqlDB serializes DATE as days since the epoch; other numbers are epoch milliseconds.
  const epochMs = typeof value === 'number' && sourceType?.kind === 'DATE' ? value * 86_400_000 : value
  const text = toUtcDateTimeText(epochMs)
  return text === undefined ? fail(value, column, 'expected a date') : text.slice(0, 10)
}

function toTime(value: unknown, column: MysqlColumn): string {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 86_400_000) {
    return new Date(value).toISOString().slice(11, 23)
  }
  if (typeof value === 'string' && /^\d{1,3}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) return value.trim()
  return fail(value, column, 'expected milliseconds of the day or HH:MM:SS')
}

function toText(value: unknown, column: MysqlColumn): string {
  const text =
    typeof value === 'string'
      ? value
      : Buffer.isBuffer(value)
        ? value.toString('utf8')
        : isStructured(value)
          ? JSON.stringify(value instanceof Map ? Object.fromEntries(value) : value)
          : String(value)
  if (column.maxLength !== null && text.length > column.maxLength && [...text].length > column.maxLength) {
    fail(value, column, `longer than ${column.maxLength} characters`)
  }
  return text
}

function toBinary(value: unknown, sourceType: SqlType | undefined): Buffer {
  if (Buffer.isBuffer(value)) return value
  // ksqlDB's JSON format carries BYTES as base64.
  if (typeof value === 'string') return Buffer.from(value, sourceType?.kind === 'BYTES' ? 'base64' : 'utf8')
  return Buffer.from(isStructured(value) ? JSON.stringify(value) : String(value), 'utf8')
}
