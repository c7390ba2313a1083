import { assertNever } from '../../shared/assert-never.ts'
import { parseSqlBoolean } from './coercion.ts'
import { Decimal, fitDecimal } from './decimal.ts'
import { formatJavaDouble } from './java-format.ts'
import { RecordError } from './record-error.ts'
import { formatSqlType, isNumeric, type SqlType } from './sql-type.ts'
import {
  MS_PER_DAY,
  formatDateText,
  formatTimeText,
  formatTimestampText,
  parseDateText,
  parseTimeText,
  parseTimestampText,
} from './time-text.ts'

/**
 * CAST(x AS T) as ksqlDB evaluates it. `canCast` is the analyzer's check (statement error
 * `castNotSupportedMessage` otherwise); `castValue` runs per record and throws RecordError when a
 * value cannot be converted (e.g. CAST('abc' AS INT)).
 */
export function canCast(from: SqlType, to: SqlType): boolean {
  if (to.kind === 'STRING') return true
  if (from.kind === to.kind) {
    switch (from.kind) {
      case 'ARRAY':
        return to.kind === 'ARRAY' && canCast(from.element, to.element)
      case 'MAP':
        return to.kind === 'MAP' && canCast(from.key, to.key) && canCast(from.value, to.value)
      case 'STRUCT':
        return (
          to.kind === 'STRUCT' &&
          to.fields.every((target) => {
            const source = from.fields.find((f) => f.name === target.name)
            return source === undefined || canCast(source.type, target.type)
          })
        )
      default:
        return true
    }
  }
  if (isNumeric(to)) return isNumeric(from) || from.kind === 'STRING'
  switch (to.kind) {
    case 'BOOLEAN':
    case 'BYTES':
      return from.kind === 'STRING'
    case 'TIMESTAMP':
      return from.kind === 'STRING' || from.kind === 'DATE'
    case 'DATE':
    case 'TIME':
      return from.kind === 'STRING' || from.kind === 'TIMESTAMP'
    default:
      return false
  }
}

/** ksqlDB's wording, prefixed by the analyzer with the clause ("Invalid Select: "). */
export function castNotSupportedMessage(from: SqlType, to: SqlType): string {
  return `Cast of ${formatSqlType(from)} to ${formatSqlType(to)} is not supported`
}

/** Returns a converter specialised for the pair of types, so the per-record path does no dispatch on types. */
export function createCaster(from: SqlType, to: SqlType): (value: unknown) => unknown {
  const convert = converterFor(from, to)
  return (value) => (value === null || value === undefined ? null : convert(value))
}

export function castValue(value: unknown, from: SqlType, to: SqlType): unknown {
  return createCaster(from, to)(value)
}

type Converter = (value: unknown) => unknown

function converterFor(from: SqlType, to: SqlType): Converter {
  switch (to.kind) {
    case 'STRING':
      return from.kind === 'STRING' ? identity : (v) => formatAsString(v, from)
    case 'BOOLEAN':
      // SqlBooleans.parseBoolean: a prefix of 'true' or 'yes', any case, is true; anything else false.
      return from.kind === 'STRING' ? (v) => parseSqlBoolean((v as string).trim()) === true : identity
    case 'INTEGER':
      return toIntegral(from, 32)
    case 'BIGINT':
      return toIntegral(from, 64)
    case 'DOUBLE':
      return toDouble(from)
    case 'DECIMAL': {
      const toDecimal = toDecimalValue(from)
      return (v) => fitDecimal(toDecimal(v), to.precision, to.scale)
    }
    case 'BYTES':
      return from.kind === 'STRING' ? (v) => Buffer.from(v as string, 'base64') : identity
    case 'TIMESTAMP':
      if (from.kind === 'STRING') return (v) => parseTimestampText(v as string)
      if (from.kind === 'DATE') return (v) => (v as number) * MS_PER_DAY
      return identity
    case 'DATE':
      if (from.kind === 'STRING') return (v) => parseDateText(v as string)
      if (from.kind === 'TIMESTAMP') return (v) => Math.floor((v as number) / MS_PER_DAY)
      return identity
    case 'TIME':
      if (from.kind === 'STRING') return (v) => parseTimeText(v as string)
      if (from.kind === 'TIMESTAMP') return (v) => (((v as number) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY
      return identity
    case 'ARRAY': {
      if (from.kind !== 'ARRAY') return unsupported(from, to)
      const element = createCaster(from.element, to.element)
      return (v) => (v as unknown[]).map(element)
    }
    case 'MAP': {
      if (from.kind !== 'MAP') return unsupported(from, to)
      const key = createCaster(from.key, to.key)
      const val = createCaster(from.value, to.value)
      return (v) => {
        const out = new Map<unknown, unknown>()
        for (const [k, x] of v as Map<unknown, unknown>) out.set(key(k), val(x))
        return out
      }
    }
    case 'STRUCT': {
      if (from.kind !== 'STRUCT') return unsupported(from, to)
      const fields = to.fields.map((target) => {
        const source = from.fields.find((f) => f.name === target.name)
        return {
          name: target.name,
          source: source?.name,
          cast: source === undefined ? identity : createCaster(source.type, target.type),
        }
      })
      return (v) => {
        const input = v as Record<string, unknown>
        const out: Record<string, unknown> = {}
        for (const f of fields) out[f.name] = f.source === undefined ? null : f.cast(input[f.source] ?? null)
        return out
      }
    }
    default:
      return assertNever(to)
  }
}

function unsupported(from: SqlType, to: SqlType): Converter {
  return () => {
    throw new RecordError(castNotSupportedMessage(from, to))
  }
}

const identity: Converter = (v) => v

const INTEGER_TEXT = /^[+-]?\d+$/
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/

/** Java narrowing: (int)/(long) of a double saturates, of a long/BigDecimal keeps the low bits. */
function toIntegral(from: SqlType, bits: 32 | 64): Converter {
  const wrap =
    bits === 32
      ? (n: bigint): number => Number(BigInt.asIntN(32, n))
      : (n: bigint): number => Number(BigInt.asIntN(64, n))
  const [min, max] = bits === 32 ? [-2147483648, 2147483647] : [-(2 ** 63), 2 ** 63]
  switch (from.kind) {
    case 'INTEGER':
      return identity
    case 'BIGINT':
      return bits === 64 ? identity : (v) => wrapSafe(v as number, wrap)
    case 'DOUBLE':
      return (v) => {
        const n = v as number
        if (Number.isNaN(n)) return 0
        return Math.min(max, Math.max(min, Math.trunc(n)))
      }
    case 'DECIMAL':
      return (v) => wrap((v as Decimal).toBigInt())
    case 'STRING':
      return (v) => {
        const text = (v as string).trim()
        if (!INTEGER_TEXT.test(text)) throw numberFormatError(v as string)
        const n = BigInt(text)
        if (n < BigInt(min) || n > BigInt(max)) throw numberFormatError(v as string)
        return Number(n)
      }
    default:
      return identity
  }
}

function wrapSafe(n: number, wrap: (n: bigint) => number): number {
  return n >= -2147483648 && n <= 2147483647 ? n : wrap(BigInt(Math.trunc(n)))
}

function toDouble(from: SqlType): Converter {
  switch (from.kind) {
    case 'DECIMAL':
      return (v) => (v as Decimal).toNumber()
    case 'STRING':
      return (v) => parseJavaDouble(v as string)
    default:
      return identity
  }
}

/** Double.parseDouble: surrounding whitespace allowed, `NaN`/`Infinity`, optional f/d suffix. */
export function parseJavaDouble(text: string): number {
  const trimmed = text.trim()
  if (!DOUBLE_TEXT.test(trimmed)) throw numberFormatError(text)
  return Number(trimmed.replace(/[fFdD]$/, ''))
}

function toDecimalValue(from: SqlType): (value: unknown) => Decimal {
  switch (from.kind) {
    case 'DECIMAL':
      return (v) => v as Decimal
    case 'INTEGER':
    case 'BIGINT':
      return (v) => Decimal.fromInteger(v as number)
    case 'DOUBLE':
      return (v) => Decimal.fromNumber(v as number)
    case 'STRING':
      return (v) => Decimal.parse((v as string).trim())
    default:
      return () => {
        throw new RecordError(`Cannot cast ${formatSqlType(from)} to DECIMAL`)
      }
  }
}

function numberFormatError(text: string): RecordError {
  return new RecordError(`For input string: "${text}"`)
}

/**
 * A value's STRING form: Java's toString of the runtime object, as ksqlDB's CAST(x AS STRING)
 * and CONCAT produce it (`[1, 3]`, `{k=1}`, `Struct{F0=1,f1=3}`, `1.0E10`).
 */
export function formatAsString(value: unknown, type: SqlType): string {
  if (value === null || value === undefined) return 'null'
  switch (type.kind) {
    case 'STRING':
      return value as string
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
      return String(value)
    case 'DOUBLE':
      return formatJavaDouble(value as number)
    case 'DECIMAL':
      return (value as Decimal).toString()
    case 'BYTES':
      return (value as Buffer).toString('base64')
    case 'TIMESTAMP':
      return formatTimestampText(value as number)
    case 'DATE':
      return formatDateText(value as number)
    case 'TIME':
      return formatTimeText(value as number)
    case 'ARRAY':
      return `[${(value as unknown[]).map((v) => formatAsString(v, type.element)).join(', ')}]`
    case 'MAP': {
      const parts: string[] = []
      for (const [k, v] of value as Map<unknown, unknown>) {
        parts.push(`${formatAsString(k, type.key)}=${formatAsString(v, type.value)}`)
      }
      return `{${parts.join(', ')}}`
    }
    case 'STRUCT': {
      // Kafka Connect's Struct#toString omits null fields.
      const record = value as Record<string, unknown>
      const parts: string[] = []
      for (const f of type.fields) {
        const v = record[f.name]
        if (v !== null && v !== undefined) parts.push(`${f.name}=${formatAsString(v, f.type)}`)
      }
      return `Struct{${parts.join(',')}}`
    }
    default:
      return assertNever(type)
  }
}
