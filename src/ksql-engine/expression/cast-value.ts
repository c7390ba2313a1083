import { Decimal, fitDecimal, isDecimal } from '../types/decimal.ts'
import { formatJavaDouble } from '../types/java-format.ts'
import { RecordError } from '../types/record-error.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import { formatDateText, formatTimeText, formatTimestampText } from '../types/time-text.ts'

/** Whether `CAST(x AS to)` is allowed for an operand of type `from` (checked once at analysis). */
export function isCastSupported(from: SqlType, to: SqlType): boolean {
  if (to.kind === 'STRING') return true
  const numeric = ['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL']
  if (numeric.includes(to.kind)) return numeric.includes(from.kind) || from.kind === 'STRING'
  if (to.kind === 'BOOLEAN') return from.kind === 'BOOLEAN' || from.kind === 'STRING'
  if (to.kind === 'TIMESTAMP' || to.kind === 'DATE' || to.kind === 'TIME') {
    return from.kind === 'STRING' || from.kind === to.kind || from.kind === 'TIMESTAMP'
  }
  if (to.kind === 'BYTES') return from.kind === 'BYTES'
  if (to.kind === 'ARRAY') return from.kind === 'ARRAY' && isCastSupported(from.element, to.element)
  if (to.kind === 'MAP') return from.kind === 'MAP' && isCastSupported(from.value, to.value)
  if (to.kind === 'STRUCT') return from.kind === 'STRUCT'
  return false
}

/** Renders a SQL value as ksqlDB's CAST(x AS STRING) / CONCAT would. */
export function valueToString(value: unknown, type: SqlType | null): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number') {
    if (type?.kind === 'DOUBLE') return formatJavaDouble(value)
    if (type?.kind === 'TIMESTAMP') return formatTimestampText(value)
    if (type?.kind === 'DATE') return formatDateText(value)
    if (type?.kind === 'TIME') return formatTimeText(value)
    return Number.isInteger(value) ? String(value) : formatJavaDouble(value)
  }
  if (isDecimal(value)) return value.toString()
  if (typeof value === 'boolean') return String(value)
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (Array.isArray(value)) {
    const element = type?.kind === 'ARRAY' ? type.element : null
    return `[${value.map((v) => (v === null ? 'null' : valueToString(v, element))).join(', ')}]`
  }
  if (value instanceof Map) {
    const inner = type?.kind === 'MAP' ? type.value : null
    return `{${[...value].map(([k, v]) => `${k}=${v === null ? 'null' : valueToString(v, inner)}`).join(', ')}}`
  }
  if (typeof value === 'object' && value !== null) {
    const fields = type?.kind === 'STRUCT' ? type.fields : []
    return `Struct{${Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${valueToString(v, fields.find((f) => f.name === k)?.type ?? null)}`)
      .join(',')}}`
  }
  return String(value)
}

/** CAST at run time; failures are record-level errors. */
export function castValue(value: unknown, from: SqlType | null, to: SqlType): unknown {
  if (value === null || value === undefined) return null
  switch (to.kind) {
    case 'STRING':
      return valueToString(value, from)
    case 'INTEGER':
    case 'BIGINT': {
      const n = toNumber(value, to)
      if (!Number.isFinite(n)) throw new RecordError(`Cannot cast ${String(value)} to ${to.kind}`)
      const t = Math.trunc(n)
      return to.kind === 'INTEGER' ? t | 0 : t
    }
    case 'DOUBLE':
      return toNumber(value, to)
    case 'DECIMAL': {
      let d: Decimal
      if (isDecimal(value)) d = value
      else if (typeof value === 'string') d = Decimal.parse(value.trim())
      else if (typeof value === 'number')
        d =
          Number.isInteger(value) && from?.kind !== 'DOUBLE'
            ? Decimal.fromInteger(value)
            : Decimal.fromNumber(value)
      else throw new RecordError(`Cannot cast ${String(value)} to ${formatSqlType(to)}`)
      return fitDecimal(d, to.precision, to.scale)
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value
      return String(value).trim().toLowerCase() === 'true'
    case 'ARRAY':
      return (value as unknown[]).map((v) =>
        castValue(v, from?.kind === 'ARRAY' ? from.element : null, to.element),
      )
    case 'MAP': {
      const out = new Map<string, unknown>()
      for (const [k, v] of value as Map<string, unknown>)
        out.set(k, castValue(v, from?.kind === 'MAP' ? from.value : null, to.value))
      return out
    }
    case 'STRUCT': {
      // Fields are matched by name; fields the target lacks are dropped, missing ones are NULL.
      const source = value as Record<string, unknown>
      const fromFields = from?.kind === 'STRUCT' ? from.fields : []
      const out: Record<string, unknown> = {}
      for (const f of to.fields) {
        const fromType = fromFields.find((x) => x.name === f.name)?.type ?? null
        out[f.name] = castValue(source[f.name] ?? null, fromType, f.type)
      }
      return out
    }
    default:
      return value
  }
}

function toNumber(value: unknown, to: SqlType): number {
  if (typeof value === 'number') return value
  if (isDecimal(value)) return value.toNumber()
  if (typeof value === 'string') {
    const text = value.trim()
    const n = Number(text)
    if (text === '' || Number.isNaN(n))
      throw new RecordError(`Cannot cast '${value}' to ${formatSqlType(to)}: not a number`)
    return n
  }
  throw new RecordError(`Cannot cast ${String(value)} to ${formatSqlType(to)}`)
}
