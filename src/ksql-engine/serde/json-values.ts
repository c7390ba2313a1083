import { assertNever } from '../../shared/assert-never.ts'
import { formatAsString, parseJavaDouble } from '../types/cast.ts'
import { Decimal, fitDecimal, isDecimal } from '../types/decimal.ts'
import { formatJavaDouble } from '../types/java-format.ts'
import { RecordError } from '../types/record-error.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import { JsonNumber } from './lossless-json.ts'

/**
 * Conversions between parsed JSON (what JSON.parse returns, and what QTT files contain) and the
 * engine's runtime values, with ksqlDB's JSON coercions: numbers and text cross over ("10" → INT 10,
 * 10 → STRING "10"), object fields match case-insensitively, DECIMAL is a JSON number, TIMESTAMP
 * epoch ms, DATE epoch days, TIME ms of day, BYTES base64 text. Readers/writers are built once per
 * type and reused for every record.
 */
export type JsonReader = (json: unknown) => unknown
export type JsonWriter = (value: unknown) => unknown

export function toEngineValue(json: unknown, type: SqlType): unknown {
  return createJsonReader(type)(json)
}

export function fromEngineValue(value: unknown, type: SqlType): unknown {
  return createJsonWriter(type)(value)
}

export function createJsonReader(type: SqlType): JsonReader {
  const read = readerFor(type)
  return (json) => {
    if (json === null || json === undefined) return null
    // Numbers kept as text by parseJsonLossless: exact for DECIMAL and STRING, a double otherwise.
    if (json instanceof JsonNumber) {
      if (type.kind === 'DECIMAL') return fitDecimal(Decimal.parse(json.text), type.precision, type.scale)
      if (type.kind === 'STRING') return json.text
      return read(Number(json.text))
    }
    return read(json)
  }
}

/** Whether values of this type need exact number text (any DECIMAL inside). */
export function containsDecimal(type: SqlType): boolean {
  switch (type.kind) {
    case 'DECIMAL':
      return true
    case 'ARRAY':
      return containsDecimal(type.element)
    case 'MAP':
      return containsDecimal(type.value)
    case 'STRUCT':
      return type.fields.some((f) => containsDecimal(f.type))
    default:
      return false
  }
}

function jsonNodeName(json: unknown): string {
  if (typeof json === 'string') return 'TextNode'
  if (typeof json === 'boolean') return 'BooleanNode'
  if (typeof json === 'number') return Number.isInteger(json) ? 'IntNode' : 'DoubleNode'
  if (Array.isArray(json)) return 'ArrayNode'
  return 'ObjectNode'
}

function mismatch(json: unknown, type: SqlType): RecordError {
  return new RecordError(
    `Can't convert type. sourceType: ${jsonNodeName(json)}, requiredType: ${formatSqlType(type)}, value: ${JSON.stringify(json)}`,
  )
}

const INTEGER_TEXT = /^[+-]?\d+$/

/** Jackson's intValue(): truncation, keeping the low 32 bits of larger integers. */
function toInt32(n: number): number {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 0 : n > 0 ? 2147483647 : -2147483648
  const t = Math.trunc(n)
  return t >= -2147483648 && t <= 2147483647 ? t : Number(BigInt.asIntN(32, BigInt(t)))
}

function toLongSaturated(n: number): number {
  return Number.isNaN(n) ? 0 : n > 0 ? 2 ** 63 : -(2 ** 63)
}

/** Integer.parseInt / Long.parseLong: no surrounding spaces, optional sign, range-checked. */
function parseIntegerText(text: string, bits: 32 | 64, type: SqlType): number {
  if (!INTEGER_TEXT.test(text)) throw coerceFailure(type)
  const n = BigInt(text)
  const limit = bits === 32 ? 2n ** 31n : 2n ** 63n
  if (n < -limit || n >= limit) throw coerceFailure(type)
  return Number(n)
}

function coerceFailure(type: SqlType): RecordError {
  return new RecordError(`Can't coerce string to type. targetType: ${formatSqlType(type)}`)
}

/**
 * A JSON value read into a STRING column: text as is, other scalars as their JSON text, objects as
 * JSON, arrays as `[a, b]` of their elements' text (ksqlDB's processString).
 */
function jsonToText(j: unknown): string {
  if (typeof j === 'string') return j
  if (typeof j === 'number') return Number.isInteger(j) ? String(j) : formatJavaDouble(j)
  if (typeof j === 'boolean') return String(j)
  if (j instanceof JsonNumber) return j.text
  if (Array.isArray(j))
    return `[${j.map((x) => (x === null || x === undefined ? 'null' : jsonToText(x))).join(', ')}]`
  return JSON.stringify(j)
}

function readerFor(type: SqlType): JsonReader {
  switch (type.kind) {
    case 'BOOLEAN':
      // ksqlDB's JsonSerdeUtils: only JSON booleans; text is not coerced.
      return (j) => {
        if (typeof j === 'boolean') return j
        throw mismatch(j, type)
      }
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return (j) => {
        if (typeof j === 'number') return toInt32(j)
        if (typeof j === 'string') return parseIntegerText(j, 32, type)
        throw mismatch(j, type)
      }
    case 'BIGINT':
    case 'TIMESTAMP':
      return (j) => {
        if (typeof j === 'number') return Number.isFinite(j) ? Math.trunc(j) : toLongSaturated(j)
        if (typeof j === 'string') return parseIntegerText(j, 64, type)
        throw mismatch(j, type)
      }
    case 'DOUBLE':
      return (j) => {
        if (typeof j === 'number') return j
        if (typeof j === 'string') {
          try {
            return parseJavaDouble(j)
          } catch {
            throw coerceFailure(type)
          }
        }
        throw mismatch(j, type)
      }
    case 'DECIMAL':
      return (j) => {
        if (typeof j === 'number') return fitDecimal(Decimal.fromNumber(j), type.precision, type.scale)
        if (typeof j === 'string') return fitDecimal(Decimal.parse(j), type.precision, type.scale)
        throw mismatch(j, type)
      }
    case 'STRING':
      return jsonToText
    case 'BYTES':
      return (j) => {
        if (typeof j === 'string') return Buffer.from(j, 'base64')
        throw mismatch(j, type)
      }
    case 'ARRAY': {
      const element = createJsonReader(type.element)
      return (j) => {
        if (!Array.isArray(j)) throw mismatch(j, type)
        return j.map(element)
      }
    }
    case 'MAP': {
      const value = createJsonReader(type.value)
      return (j) => {
        if (typeof j !== 'object' || Array.isArray(j)) throw mismatch(j, type)
        const out = new Map<string, unknown>()
        for (const [k, v] of Object.entries(j as Record<string, unknown>)) out.set(k, value(v))
        return out
      }
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({
        name: f.name,
        alias: f.name,
        read: createJsonReader(f.type),
      }))
      return (j) => {
        if (typeof j !== 'object' || Array.isArray(j)) throw mismatch(j, type)
        const record = j as Record<string, unknown>
        const out: Record<string, unknown> = {}
        let folded: Map<string, unknown> | undefined
        for (const f of fields) {
          let raw = record[f.name]
          if (raw === undefined) raw = record[f.alias]
          if (raw === undefined) {
            folded ??= foldKeys(record)
            raw = folded.get(f.name)
            if (raw !== undefined) f.alias = aliasOf(record, f.name)
          }
          out[f.name] = f.read(raw)
        }
        return out
      }
    }
    default:
      return assertNever(type)
  }
}

/**
 * Upper-cased field name → value, for ksqlDB's case-insensitive field matching: a column whose name
 * is upper-case (any unquoted identifier) matches a JSON field of any case; a quoted mixed-case
 * column matches only its exact spelling. Of two fields differing only in case, the last wins.
 */
export function foldKeys(record: Record<string, unknown>): Map<string, unknown> {
  const folded = new Map<string, unknown>()
  for (const key of Object.keys(record)) folded.set(key.toUpperCase(), record[key])
  return folded
}

/** The record's own spelling of the (last) field whose upper-cased name is `upper`. */
export function aliasOf(record: Record<string, unknown>, upper: string): string {
  let alias = upper
  for (const key of Object.keys(record)) if (key.toUpperCase() === upper) alias = key
  return alias
}

/** Engine value → plain JSON value (numbers, strings, arrays, objects); DECIMAL becomes a number. */
export function createJsonWriter(type: SqlType): JsonWriter {
  const write = writerFor(type)
  return (value) => (value === null || value === undefined ? null : write(value))
}

function writerFor(type: SqlType): JsonWriter {
  switch (type.kind) {
    case 'DOUBLE':
      return (v) => (Number.isFinite(v) ? v : formatJavaDouble(v as number))
    case 'DECIMAL':
      return (v) => (v as Decimal).toNumber()
    case 'BYTES':
      return (v) => (v as Buffer).toString('base64')
    case 'ARRAY': {
      const element = createJsonWriter(type.element)
      return (v) => (v as unknown[]).map(element)
    }
    case 'MAP': {
      const value = createJsonWriter(type.value)
      const key = (k: unknown): string => (typeof k === 'string' ? k : formatAsString(k, type.key))
      return (v) => {
        const out: Record<string, unknown> = {}
        for (const [k, x] of v as Map<unknown, unknown>) out[key(k)] = value(x)
        return out
      }
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({ name: f.name, write: createJsonWriter(f.type) }))
      return (v) => {
        const record = v as Record<string, unknown>
        const out: Record<string, unknown> = {}
        for (const f of fields) out[f.name] = f.write(record[f.name])
        return out
      }
    }
    default:
      return (v) => v
  }
}

/**
 * Engine value → JSON text as ksqlDB (Jackson) writes it: doubles in Java form (`1.0`, `1.0E10`,
 * `"NaN"`), decimals exact with their scale (`10.120`), field names as stored.
 */
export type JsonTextWriter = (value: unknown) => string

export function createJsonTextWriter(type: SqlType): JsonTextWriter {
  const write = textWriterFor(type)
  return (value) => (value === null || value === undefined ? 'null' : write(value))
}

function textWriterFor(type: SqlType): JsonTextWriter {
  switch (type.kind) {
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return (v) => String(v)
    case 'DOUBLE':
      return (v) =>
        Number.isFinite(v) ? formatJavaDouble(v as number) : `"${formatJavaDouble(v as number)}"`
    case 'DECIMAL':
      return (v) => (v as Decimal).setScale(type.scale).toString()
    case 'STRING':
      return (v) => JSON.stringify(v)
    case 'BYTES':
      return (v) => `"${(v as Buffer).toString('base64')}"`
    case 'ARRAY': {
      const element = createJsonTextWriter(type.element)
      return (v) => `[${(v as unknown[]).map(element).join(',')}]`
    }
    case 'MAP': {
      const value = createJsonTextWriter(type.value)
      return (v) => {
        const parts: string[] = []
        for (const [k, x] of v as Map<unknown, unknown>) {
          parts.push(`${JSON.stringify(typeof k === 'string' ? k : formatAsString(k, type.key))}:${value(x)}`)
        }
        return `{${parts.join(',')}}`
      }
    }
    case 'STRUCT':
      return createObjectTextWriter(type.fields)
    default:
      return assertNever(type)
  }
}

/** `{"F1":…,"F2":…}` for a fixed field list; the quoted names are computed once. */
export function createObjectTextWriter(
  fields: readonly { readonly name: string; readonly type: SqlType }[],
): JsonTextWriter {
  const parts = fields.map((f, i) => ({
    prefix: `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`,
    name: f.name,
    write: createJsonTextWriter(f.type),
  }))
  if (parts.length === 0) return () => '{}'
  return (v) => {
    const record = v as Record<string, unknown>
    let out = ''
    for (const p of parts) out += p.prefix + p.write(record[p.name])
    return `${out}}`
  }
}

/**
 * Engine value of any type → plain JSON value, for output whose column types are not at hand
 * (query rows): Map → object, DECIMAL → its exact number, BYTES → base64, non-finite doubles as
 * Jackson writes them ("NaN", "Infinity").
 */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (typeof value !== 'object') return value
  if (isDecimal(value)) return value.toJSON()
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (Array.isArray(value)) return value.map(toJsonValue)
  const out: Record<string, unknown> = {}
  if (value instanceof Map) {
    for (const [k, v] of value) out[String(k)] = toJsonValue(v)
    return out
  }
  for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v)
  return out
}

/** Text that JSON.stringify would only wrap in quotes: no quote, backslash, control or surrogate. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON must escape
const PLAIN_TEXT = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/

/**
 * createJsonTextWriter for one record field, with the null check and the common scalar cases
 * inline (the per-field hot path of the JSON serde); same text for every value.
 */
export function createFieldTextWriter(type: SqlType): JsonTextWriter {
  switch (type.kind) {
    case 'STRING':
      return (v) =>
        typeof v === 'string'
          ? PLAIN_TEXT.test(v)
            ? `"${v}"`
            : JSON.stringify(v)
          : v == null
            ? 'null'
            : JSON.stringify(v)
    case 'DOUBLE': {
      const general = createJsonTextWriter(type)
      // formatJavaDouble's own fast path: in [10^-3, 10^7) the JavaScript digits are Java's.
      return (v) =>
        typeof v === 'number' && ((v >= 1e-3 && v < 1e7) || (v <= -1e-3 && v > -1e7))
          ? Number.isInteger(v)
            ? `${v}.0`
            : `${v}`
          : general(v)
    }
    case 'BIGINT':
    case 'TIMESTAMP':
      return (v) =>
        typeof v === 'number' && (v > 2147483647 || v < -2147483648)
          ? longText(v)
          : v == null
            ? 'null'
            : `${v as number}`
    case 'BOOLEAN':
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return (v) => (v == null ? 'null' : `${v as number}`)
    default:
      return createJsonTextWriter(type)
  }
}

/**
 * Text of integers beyond 32 bits (epoch milliseconds, window bounds), remembered: V8's own number
 * text cache hashes a double's low bits, which such round numbers share, so it misses on them.
 */
const longTexts = new Map<number, string>()

function longText(v: number): string {
  let text = longTexts.get(v)
  if (text === undefined) {
    if (longTexts.size >= 4096) longTexts.clear()
    text = `${v}`
    longTexts.set(v, text)
  }
  return text
}

/**
 * For a record layout whose columns are all scalars a JSON reader gives back exactly as written
 * (STRING, DOUBLE, BOOLEAN and the integer types), a check that one row's values are such values:
 * then reading the bytes written for them yields equal values, and a reader may take the values
 * instead of parsing the bytes. null when the layout has other columns (DECIMAL, BYTES, nested).
 */
export function createRoundTripCheck(
  types: readonly SqlType[],
): ((values: readonly unknown[]) => boolean) | null {
  const kinds = types.map(roundTripKind)
  if (kinds.includes(null)) return null
  const codes = kinds as RoundTripKind[]
  return (values) => {
    if (values.length !== codes.length) return false
    for (let i = 0; i < codes.length; i++) {
      const v = values[i]
      if (v === null) continue
      switch (codes[i]) {
        case 'text':
          if (typeof v !== 'string') return false
          break
        case 'double':
          // Java text ("1.0", "1.0E10", "-0.0") parses back to the same double; NaN/∞ are strings.
          if (typeof v !== 'number' || !Number.isFinite(v)) return false
          break
        case 'int32':
          if (typeof v !== 'number' || (v | 0) !== v || Object.is(v, -0)) return false
          break
        case 'int64':
          if (typeof v !== 'number' || !Number.isSafeInteger(v) || Object.is(v, -0)) return false
          break
        case 'boolean':
          if (typeof v !== 'boolean') return false
          break
      }
    }
    return true
  }
}

type RoundTripKind = 'text' | 'double' | 'int32' | 'int64' | 'boolean'

function roundTripKind(type: SqlType): RoundTripKind | null {
  switch (type.kind) {
    case 'STRING':
      // JSON.stringify escapes lone surrogates, so even those come back.
      return 'text'
    case 'DOUBLE':
      return 'double'
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return 'int32'
    case 'BIGINT':
    case 'TIMESTAMP':
      return 'int64'
    case 'BOOLEAN':
      return 'boolean'
    case 'DECIMAL':
    case 'BYTES':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return null
    default:
      return assertNever(type)
  }
}
