import { Decimal } from './decimal.ts'
import { asDecimalType, numericRank, widerNumeric } from './implicit-cast.ts'
import { formatSqlType, type SqlType, type StructField } from './sql-type.ts'
import { coerceNumber } from './arithmetic.ts'

/**
 * ksqlDB's coercion of expression lists to one type (CoercionUtil): the elements of ARRAY[...],
 * the keys and values of MAP(...), and the values of `x IN (...)`. NULL literals take any type;
 * numbers widen (INT → BIGINT → DECIMAL → DOUBLE); a STRING literal converts to the numeric or
 * BOOLEAN type of the others (`'2e1'` → 20, `'Y'` → true); STRUCTs merge their fields.
 */
export interface CoercionItem {
  readonly type: SqlType | null
  /** Present when the item is a literal (its value is a runtime value of `type`). */
  readonly literal?: { readonly value: unknown }
}

export type CommonTypeResult =
  | { readonly ok: true; readonly type: SqlType | null } // null: every item is a NULL literal
  | {
      readonly ok: false
      /** Index of the item that does not fit. */
      readonly index: number
      /** 'literal': a STRING literal that does not parse; 'mismatch': incompatible types. */
      readonly reason: 'literal' | 'mismatch'
      readonly message: string
      readonly target: SqlType
    }

export function resolveCommonType(items: readonly CoercionItem[]): CommonTypeResult {
  let target: SqlType | null = null
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as CoercionItem
    if (item.type === null) continue
    if (target === null) {
      target = item.type
      continue
    }
    if (item.type.kind === 'STRING' && target.kind !== 'STRING' && typeof item.literal?.value === 'string') {
      const text = item.literal.value
      if (target.kind === 'BOOLEAN') {
        if (parseSqlBoolean(text) === undefined) return literalFailure(i, target, text)
        continue
      }
      if (numericRank(target) !== undefined) {
        const literalType = numericLiteralType(text)
        if (literalType === undefined) return literalFailure(i, target, text)
        target = widerNumeric(target, literalType)
        continue
      }
    }
    const common = commonOfTwo(target, item.type, item.literal !== undefined)
    if (common === undefined) {
      return {
        ok: false,
        index: i,
        reason: 'mismatch',
        target,
        message: `operator does not exist: ${formatSqlType(target)} = ${formatSqlType(item.type)}`,
      }
    }
    target = common
  }
  return { ok: true, type: target }
}

function literalFailure(index: number, target: SqlType, text: string): CommonTypeResult {
  return {
    ok: false,
    index,
    reason: 'literal',
    target,
    message: `invalid input syntax for type ${formatSqlType(target)}: "${text}".`,
  }
}

function commonOfTwo(a: SqlType, b: SqlType, bIsLiteral: boolean): SqlType | undefined {
  if (formatSqlType(a) === formatSqlType(b)) return a
  if (numericRank(a) !== undefined && numericRank(b) !== undefined) return widerNumeric(a, b)
  // A numeric or BOOLEAN literal among STRINGs becomes its text (MAP(k := v, 10 := v) keys).
  if (a.kind === 'STRING' && bIsLiteral && (numericRank(b) !== undefined || b.kind === 'BOOLEAN')) return a
  if (a.kind === 'ARRAY' && b.kind === 'ARRAY') {
    const element = commonOfTwo(a.element, b.element, false)
    return element === undefined ? undefined : { kind: 'ARRAY', element }
  }
  if (a.kind === 'MAP' && b.kind === 'MAP') {
    const key = commonOfTwo(a.key, b.key, false)
    const value = commonOfTwo(a.value, b.value, false)
    return key === undefined || value === undefined ? undefined : { kind: 'MAP', key, value }
  }
  if (a.kind === 'STRUCT' && b.kind === 'STRUCT') {
    const fields: StructField[] = [...a.fields]
    for (const f of b.fields) {
      const index = fields.findIndex((x) => x.name === f.name)
      if (index < 0) {
        fields.push(f)
        continue
      }
      const type = commonOfTwo((fields[index] as StructField).type, f.type, false)
      if (type === undefined) return undefined
      fields[index] = { name: f.name, type }
    }
    return { kind: 'STRUCT', fields }
  }
  return undefined
}

/** The type of a numeric STRING literal: INT, BIGINT or DECIMAL; undefined when it is not a number. */
export function numericLiteralType(text: string): SqlType | undefined {
  let d: Decimal
  try {
    d = Decimal.parse(text.trim())
  } catch {
    return undefined
  }
  // As ksqlDB: text with a decimal point or an exponent is a DECIMAL ('2e1' is DECIMAL(2, 0)),
  // whole text an INT or BIGINT when it fits.
  if (/[.eE]/.test(text) && d.scale <= 0) {
    const n = d.toBigInt()
    return { kind: 'DECIMAL', precision: (n < 0n ? -n : n).toString().length, scale: 0 }
  }
  if (d.scale <= 0) {
    const n = d.toBigInt()
    if (n >= -2147483648n && n <= 2147483647n) return { kind: 'INTEGER' }
    if (n >= -9223372036854775808n && n <= 9223372036854775807n) return { kind: 'BIGINT' }
    const digits = n < 0n ? (-n).toString().length : n.toString().length
    return { kind: 'DECIMAL', precision: digits, scale: 0 }
  }
  return { kind: 'DECIMAL', precision: Math.max(d.precision(), d.scale), scale: d.scale }
}

/**
 * ksqlDB's lenient boolean text: any non-empty prefix of `true`/`yes` or `false`/`no`, any case
 * ('TrUe', 'tr', 'Y', 'n'); undefined otherwise.
 */
export function parseSqlBoolean(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase()
  if (lower === '') return undefined
  if ('true'.startsWith(lower) || 'yes'.startsWith(lower)) return true
  if ('false'.startsWith(lower) || 'no'.startsWith(lower)) return false
  return undefined
}

/**
 * A converter from one item's runtime values to the common type found by resolveCommonType;
 * STRING literals are converted once, here, not per record.
 */
export function createCoercer(item: CoercionItem, target: SqlType): (value: unknown) => unknown {
  const from = item.type
  if (from === null || formatSqlType(from) === formatSqlType(target)) return identity
  if (from.kind === 'STRING' && typeof item.literal?.value === 'string' && target.kind !== 'STRING') {
    const converted = convertStringLiteral(item.literal.value, target)
    return (v) => (v === null || v === undefined ? null : converted)
  }
  return converterBetween(from, target)
}

function convertStringLiteral(text: string, target: SqlType): unknown {
  if (target.kind === 'BOOLEAN') return parseSqlBoolean(text) ?? null
  const d = Decimal.parse(text.trim())
  switch (target.kind) {
    case 'INTEGER':
    case 'BIGINT':
      return Number(d.toBigInt())
    case 'DOUBLE':
      return d.toNumber()
    case 'DECIMAL':
      return d.setScale(target.scale)
    default:
      return text
  }
}

const identity = (v: unknown): unknown => v ?? null

function converterBetween(from: SqlType, target: SqlType): (value: unknown) => unknown {
  if (numericRank(from) !== undefined && numericRank(target) !== undefined) {
    const to = target.kind === 'DECIMAL' ? asDecimalType(target) : target
    return (v) => coerceNumber(v, from, to)
  }
  if (target.kind === 'STRING') {
    return (v) => (v === null || v === undefined ? null : String(v))
  }
  if (from.kind === 'ARRAY' && target.kind === 'ARRAY') {
    const element = converterBetween(from.element, target.element)
    return (v) => (v == null ? null : (v as unknown[]).map(element))
  }
  if (from.kind === 'MAP' && target.kind === 'MAP') {
    const key = converterBetween(from.key, target.key)
    const value = converterBetween(from.value, target.value)
    return (v) => {
      if (v == null) return null
      const out = new Map<unknown, unknown>()
      for (const [k, x] of v as Map<unknown, unknown>) out.set(key(k), value(x))
      return out
    }
  }
  if (from.kind === 'STRUCT' && target.kind === 'STRUCT') {
    const fields = target.fields.map((f) => {
      const source = from.fields.find((x) => x.name === f.name)
      return {
        name: f.name,
        present: source !== undefined,
        convert: source === undefined ? identity : converterBetween(source.type, f.type),
      }
    })
    return (v) => {
      if (v == null) return null
      const record = v as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (const f of fields) out[f.name] = f.present ? f.convert(record[f.name] ?? null) : null
      return out
    }
  }
  return identity
}
