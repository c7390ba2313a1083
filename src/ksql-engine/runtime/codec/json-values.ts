import { Decimal, fitDecimal, isDecimal } from '../../types/decimal.ts'
import { RecordError } from '../../types/record-error.ts'
import { formatSqlType, type SqlType } from '../../types/sql-type.ts'

/** Coerces a parsed JSON node into the SQL value of `type` (ksqlDB's JSON deserializer rules). */
export function fromJsonNode(node: unknown, type: SqlType): unknown {
  if (node === null || node === undefined) return null
  // The common cases first, without building anything per call.
  if (typeof node === 'string' && type.kind === 'STRING') return node
  if (typeof node === 'number') {
    if (type.kind === 'DOUBLE') return node
    if ((type.kind === 'BIGINT' || type.kind === 'TIMESTAMP') && Number.isInteger(node)) return node
  }
  const fail = (): never => {
    throw new RecordError(
      `Can't convert type. sourceType: ${jsonNodeType(node)}, requiredType: ${formatSqlType(type)}`,
    )
  }
  switch (type.kind) {
    case 'BOOLEAN':
      if (typeof node === 'boolean') return node
      if (typeof node === 'string' && /^(true|false)$/i.test(node)) return node.toLowerCase() === 'true'
      return fail()
    case 'INTEGER':
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME': {
      if (typeof node === 'number') return type.kind === 'INTEGER' ? Math.trunc(node) | 0 : Math.trunc(node)
      if (typeof node === 'string' && /^\s*-?\d+\s*$/.test(node)) return Number(node)
      return fail()
    }
    case 'DOUBLE':
      if (typeof node === 'number') return node
      if (typeof node === 'string' && node.trim() !== '' && !Number.isNaN(Number(node))) return Number(node)
      return fail()
    case 'DECIMAL': {
      let d: Decimal
      if (typeof node === 'number')
        d = Number.isInteger(node) ? Decimal.fromInteger(node) : Decimal.fromNumber(node)
      else if (typeof node === 'string') d = Decimal.parse(node.trim())
      else return fail()
      return fitDecimal(d, type.precision, type.scale)
    }
    case 'STRING':
      if (typeof node === 'string') return node
      if (typeof node === 'number' || typeof node === 'boolean') return String(node)
      return JSON.stringify(node)
    case 'BYTES':
      if (typeof node === 'string') return Buffer.from(node, 'base64')
      return fail()
    case 'ARRAY':
      if (!Array.isArray(node)) return fail()
      return node.map((n) => fromJsonNode(n, type.element))
    case 'MAP': {
      if (typeof node !== 'object' || Array.isArray(node)) return fail()
      const out = new Map<string, unknown>()
      for (const [k, v] of Object.entries(node as Record<string, unknown>))
        out.set(k, fromJsonNode(v, type.value))
      return out
    }
    case 'STRUCT': {
      if (typeof node !== 'object' || Array.isArray(node)) return fail()
      const lookup = caseInsensitiveFields(node as Record<string, unknown>)
      const out: Record<string, unknown> = {}
      for (const f of type.fields)
        out[f.name] = fromJsonNode(lookupField(node as Record<string, unknown>, lookup, f.name), f.type)
      return out
    }
  }
}

/** Upper-cased field name → actual name, built lazily: most records use the exact names. */
export function caseInsensitiveFields(obj: Record<string, unknown>): () => ReadonlyMap<string, string> {
  let map: Map<string, string> | undefined
  return () => {
    if (map === undefined) {
      map = new Map<string, string>()
      for (const k of Object.keys(obj)) map.set(k.toUpperCase(), k)
    }
    return map
  }
}

/** Exact field name first, then a case-insensitive match. */
export function lookupField(
  obj: Record<string, unknown>,
  upperToActual: () => ReadonlyMap<string, string>,
  name: string,
): unknown {
  const exact = obj[name]
  if (exact !== undefined || Object.hasOwn(obj, name)) return exact
  const actual = upperToActual().get(name.toUpperCase())
  return actual === undefined ? undefined : obj[actual]
}

function jsonNodeType(node: unknown): string {
  if (Array.isArray(node)) return 'ARRAY'
  if (typeof node === 'object') return 'OBJECT'
  if (typeof node === 'number') return Number.isInteger(node) ? 'INTEGER' : 'DOUBLE'
  if (typeof node === 'string') return 'STRING'
  return 'BOOLEAN'
}

/** SQL value → plain JSON-ready value (Map → object, Decimal → number, bytes → base64). */
export function toJsonNode(value: unknown): unknown {
  if (value === null || value === undefined) return null
  // Jackson writes non-finite doubles as strings.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (isDecimal(value)) return value.toJSON()
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (Array.isArray(value)) return value.map(toJsonNode)
  if (value instanceof Map) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of value) out[String(k)] = toJsonNode(v)
    return out
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = toJsonNode(v)
    return out
  }
  return value
}
