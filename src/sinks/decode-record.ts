import type { ConsumedRecord } from '../kafka/ports.ts'
import type { SourceColumn, SourceSchema } from '../ksql-client/source-schema.ts'
import { parseDelimited } from './delimited.ts'

/**
 * Lineage columns every sunk row carries, after the key and value columns. `_deleted` marks a table
 * tombstone (null value): the lake keeps it as a row so the changelog stays complete.
 */
export const LINEAGE_COLUMNS = ['_topic', '_partition', '_offset', '_timestamp', '_deleted'] as const

export const NULL_STREAM_VALUE =
  'null (a tombstone) on a stream topic: ksqlDB reads no row from it, so it is kept here instead of as a row of NULLs'

/** Column that holds the key of a record read without a ksqlDB schema when it is not a JSON object. */
export const SCHEMALESS_KEY_COLUMN = 'KEY'

export type DecodedRecord =
  | { readonly ok: true; readonly row: Record<string, unknown>; readonly deleted: boolean }
  | { readonly ok: false; readonly error: DecodeError }

/** Why a record could not be decoded; the sink sends the record to its dead-letter path with it. */
export class DecodeError extends Error {
  readonly part: 'key' | 'value'
  constructor(part: 'key' | 'value', reason: string) {
    super(`${part}: ${reason}`)
    this.name = 'DecodeError'
    this.part = part
  }
}

export interface DecodeTarget {
  readonly kind: 'stream' | 'table'
  /** null: decode generically (keys as UTF-8 / JSON, values as JSON objects). */
  readonly schema: SourceSchema | null
}

/**
 * Kafka record → one row with the key columns (a ksqlDB table's GROUP BY columns live in the key,
 * lab.md §4), window bounds, value columns and lineage. Never throws for bad data: returns a
 * DecodeError instead so one malformed record cannot stop a sink.
 */
export function decodeRecord(record: ConsumedRecord, target: DecodeTarget): DecodedRecord {
  // ksqlDB reads no row from a null value on a stream (only a table's null value deletes), so the
  // record goes to the dead letters with its offset instead of becoming a row of NULLs.
  if (record.value === null && target.kind === 'stream')
    return { ok: false, error: new DecodeError('value', NULL_STREAM_VALUE) }
  try {
    const row: Record<string, unknown> = {}
    if (target.schema === null) decodeSchemalessKey(record.key, row)
    else decodeKey(record.key, target.schema, row)
    const deleted = record.value === null && target.kind === 'table'
    if (target.schema === null) decodeSchemalessValue(record.value, row)
    else decodeValue(record.value, target.schema, row)
    row['_topic'] = record.topic
    row['_partition'] = record.partition
    row['_offset'] = Number(record.offset)
    row['_timestamp'] = record.timestamp
    row['_deleted'] = deleted
    return { ok: true, row, deleted }
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error }
    throw error
  }
}

function decodeSchemalessKey(key: Buffer | null, row: Record<string, unknown>): void {
  if (key === null) return
  const text = key.toString('utf8')
  const parsed = tryParseJson(text)
  if (parsed.ok && isPlainObject(parsed.value)) Object.assign(row, parsed.value)
  else row[SCHEMALESS_KEY_COLUMN] = parsed.ok ? parsed.value : text
}

function decodeSchemalessValue(value: Buffer | null, row: Record<string, unknown>): void {
  if (value === null) return
  const parsed = tryParseJson(value.toString('utf8'))
  if (!parsed.ok) throw new DecodeError('value', `invalid JSON (${parsed.reason})`)
  if (!isPlainObject(parsed.value))
    throw new DecodeError('value', `expected a JSON object, got ${describe(parsed.value)}`)
  Object.assign(row, parsed.value)
}

function decodeKey(key: Buffer | null, schema: SourceSchema, row: Record<string, unknown>): void {
  let keyBytes = key
  let windowStart: number | null = null
  let windowEnd: number | null = null
  if (schema.windowType !== null && key !== null) {
    // Kafka Streams' windowed serdes (spec A4): key + 8-byte BE start; sessions: key + end + start.
    const suffix = schema.windowType === 'SESSION' ? 16 : 8
    if (key.length < suffix)
      throw new DecodeError(
        'key',
        `windowed key is ${key.length} bytes, shorter than its ${suffix}-byte window suffix`,
      )
    keyBytes = key.subarray(0, key.length - suffix)
    if (schema.windowType === 'SESSION') {
      windowEnd = Number(key.readBigInt64BE(key.length - 16))
      windowStart = Number(key.readBigInt64BE(key.length - 8))
    } else {
      windowStart = Number(key.readBigInt64BE(key.length - 8))
      windowEnd = schema.windowSizeMs === null ? null : windowStart + schema.windowSizeMs
    }
  }
  const columns = schema.keyColumns
  if (columns.length > 0) {
    if (keyBytes === null) for (const column of columns) row[column.name] = null
    else decodeKeyColumns(keyBytes, schema.keyFormat, columns, row)
  }
  if (schema.windowType !== null) {
    row['WINDOWSTART'] = windowStart
    row['WINDOWEND'] = windowEnd
  }
}

function decodeKeyColumns(
  bytes: Buffer,
  format: string,
  columns: readonly SourceColumn[],
  row: Record<string, unknown>,
): void {
  switch (format) {
    case 'NONE':
      return
    case 'KAFKA': {
      const [column] = columns
      if (column === undefined) return
      row[column.name] = decodeKafkaPrimitive(bytes, column, 'key')
      return
    }
    case 'JSON':
    case 'JSON_SR': {
      const parsed = tryParseJson(bytes.toString('utf8'))
      if (!parsed.ok) throw new DecodeError('key', `invalid JSON (${parsed.reason})`)
      const [only] = columns
      if (
        columns.length === 1 &&
        only !== undefined &&
        !(only.type !== 'STRUCT' && isPlainObject(parsed.value))
      )
        row[only.name] = parsed.value
      else if (isPlainObject(parsed.value)) assignColumns(parsed.value, columns, row)
      else
        throw new DecodeError(
          'key',
          `expected a JSON object with ${names(columns)}, got ${describe(parsed.value)}`,
        )
      return
    }
    case 'DELIMITED':
      assignDelimited(bytes, columns, row, 'key', ',')
      return
    default:
      throw new DecodeError('key', `key format ${format} is not supported by dip's sinks`)
  }
}

function decodeValue(value: Buffer | null, schema: SourceSchema, row: Record<string, unknown>): void {
  const columns = schema.valueColumns
  if (value === null) {
    for (const column of columns) row[column.name] = null
    return
  }
  switch (schema.valueFormat) {
    case 'JSON':
    case 'JSON_SR': {
      const parsed = tryParseJson(value.toString('utf8'))
      if (!parsed.ok) throw new DecodeError('value', `invalid JSON (${parsed.reason})`)
      const [only] = columns
      if (
        isPlainObject(parsed.value) &&
        !(columns.length === 1 && only?.type === 'STRUCT' && !hasColumn(parsed.value, only))
      )
        assignColumns(parsed.value, columns, row)
      else if (columns.length === 1 && only !== undefined)
        row[only.name] = parsed.value // WRAP_SINGLE_VALUE=false
      else throw new DecodeError('value', `expected a JSON object, got ${describe(parsed.value)}`)
      for (const column of columns) checkShape(row[column.name], column)
      return
    }
    case 'DELIMITED':
      assignDelimited(value, columns, row, 'value', ',')
      return
    case 'KAFKA': {
      const [column] = columns
      if (column !== undefined) row[column.name] = decodeKafkaPrimitive(value, column, 'value')
      return
    }
    default:
      throw new DecodeError('value', `value format ${schema.valueFormat} is not supported by dip's sinks`)
  }
}

/** JSON field names match columns case-insensitively (spec A2); rows use the column's stored name. */
function assignColumns(
  object: Record<string, unknown>,
  columns: readonly SourceColumn[],
  row: Record<string, unknown>,
): void {
  let spellings = fieldSpellings.get(columns)
  if (spellings === undefined) {
    spellings = new Array<string | undefined>(columns.length)
    fieldSpellings.set(columns, spellings)
  }
  let lower: Map<string, string> | undefined
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as SourceColumn
    if (Object.hasOwn(object, column.name)) {
      row[column.name] = object[column.name] ?? null
      continue
    }
    const known = spellings[i]
    if (known !== undefined && Object.hasOwn(object, known)) {
      row[column.name] = object[known] ?? null
      continue
    }
    lower ??= new Map(Object.keys(object).map((name) => [name.toLowerCase(), name]))
    const field = lower.get(column.name.toLowerCase())
    if (field !== undefined) spellings[i] = field
    row[column.name] = field === undefined ? null : (object[field] ?? null)
  }
}

/**
 * The JSON field each column matched last, per column list: a topic's records spell their fields
 * alike (the lab's events are lower case, its columns upper case), so the case-insensitive lookup
 * of every field is done once instead of once per record.
 */
const fieldSpellings = new WeakMap<readonly SourceColumn[], (string | undefined)[]>()

function hasColumn(object: Record<string, unknown>, column: SourceColumn): boolean {
  const name = column.name.toLowerCase()
  for (const key of Object.keys(object)) if (key.toLowerCase() === name) return true
  return false
}

function assignDelimited(
  bytes: Buffer,
  columns: readonly SourceColumn[],
  row: Record<string, unknown>,
  part: 'key' | 'value',
  delimiter: string,
): void {
  let fields: (string | null)[]
  try {
    fields = parseDelimited(bytes.toString('utf8'), delimiter)
  } catch (error) {
    throw new DecodeError(part, `invalid DELIMITED text (${(error as Error).message})`)
  }
  if (fields.length !== columns.length)
    throw new DecodeError(
      part,
      `expected ${columns.length} DELIMITED fields (${names(columns)}), got ${fields.length}`,
    )
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as SourceColumn
    row[column.name] = fromText(fields[i] ?? null, column, part)
  }
}

function fromText(text: string | null, column: SourceColumn, part: 'key' | 'value'): unknown {
  if (text === null) return null
  switch (column.type) {
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL': {
      const n = Number(text)
      if (text.trim() === '' || Number.isNaN(n))
        throw new DecodeError(part, `column ${column.name}: "${text}" is not a ${column.type}`)
      return n
    }
    case 'BOOLEAN':
      return text.toLowerCase() === 'true'
    default:
      return text
  }
}

/** KAFKA format primitives (spec A4): INT 4-byte BE, BIGINT 8-byte BE, DOUBLE IEEE BE, STRING UTF-8. */
function decodeKafkaPrimitive(bytes: Buffer, column: SourceColumn, part: 'key' | 'value'): unknown {
  switch (column.type) {
    case 'INTEGER':
      expectLength(bytes, 4, column, part)
      return bytes.readInt32BE(0)
    case 'BIGINT':
      expectLength(bytes, 8, column, part)
      return Number(bytes.readBigInt64BE(0))
    case 'DOUBLE':
      expectLength(bytes, 8, column, part)
      return bytes.readDoubleBE(0)
    case 'BYTES':
      return bytes.toString('base64')
    default:
      return bytes.toString('utf8')
  }
}

// Helpers below live at module level, not as closures inside the per-record functions: a closure
// is allocated on every call, once per record on the sinks' hot path.
function expectLength(bytes: Buffer, n: number, column: SourceColumn, part: 'key' | 'value'): void {
  if (bytes.length !== n)
    throw new DecodeError(
      part,
      `column ${column.name} (${column.type}) needs ${n} bytes, got ${bytes.length}`,
    )
}

/** Rejects values whose shape cannot be the declared column type (a struct that is a string, ...). */
function checkShape(value: unknown, column: SourceColumn): void {
  if (value === null || value === undefined) return
  switch (column.type) {
    case 'STRUCT':
    case 'MAP':
      if (!isPlainObject(value)) failShape(value, column)
      return
    case 'ARRAY':
      if (!Array.isArray(value)) failShape(value, column)
      return
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
      if (
        typeof value !== 'number' &&
        !(typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
      )
        failShape(value, column)
      return
    case 'BOOLEAN':
      if (typeof value !== 'boolean') failShape(value, column)
      return
    default:
      return
  }
}

function failShape(value: unknown, column: SourceColumn): never {
  throw new DecodeError('value', `column ${column.name}: expected ${column.type}, got ${describe(value)}`)
}

/** What a JSON text can start with (after whitespace): an object, array, string, number, true/false/null. */
const JSON_START = /^[\s]*[{["\-0-9tfn]/

export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  // Plain keys such as `TXN-42` are common: a thrown SyntaxError per record costs more than the sink.
  if (!JSON_START.test(text)) return { ok: false, reason: `not JSON: ${JSON.stringify(text.slice(0, 20))}` }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`
}

function names(columns: readonly SourceColumn[]): string {
  return columns.map((c) => c.name).join(', ')
}
