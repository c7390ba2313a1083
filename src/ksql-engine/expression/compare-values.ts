import { Decimal, isDecimal } from '../types/decimal.ts'

/** Orders two non-null SQL values of comparable types (numbers of any kind, strings, booleans). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (isDecimal(a) || isDecimal(b)) {
    if (typeof a === 'number' && !Number.isInteger(a)) return compareValues(a, (b as Decimal).toNumber())
    if (typeof b === 'number' && !Number.isInteger(b)) return compareValues((a as Decimal).toNumber(), b)
    return toDecimal(a).compare(toDecimal(b))
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b)
  const sa = JSON.stringify(a)
  const sb = JSON.stringify(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

function toDecimal(value: unknown): Decimal {
  if (isDecimal(value)) return value
  return Decimal.fromInteger(value as number)
}

/** Deep equality of SQL values (arrays, maps, structs included). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (typeof a === 'number' || typeof b === 'number' || isDecimal(a) || isDecimal(b)) {
    return compareValues(a, b) === 0
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]))
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false
    for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k))) return false
    return true
  }
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b)
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return (
      ka.length === kb.length &&
      ka.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    )
  }
  return false
}
