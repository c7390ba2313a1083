/**
 * Ordering and equality of runtime values (types/sql-type.ts representation), shared by the
 * functions that sort, pick extremes or deduplicate: GREATEST, ARRAY_SORT, TOPK, COLLECT_SET...
 */

/** Natural ordering within one comparable SQL type; NULLs are the caller's business. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b)
  const ca = a as { compare?: (o: unknown) => number }
  return typeof ca.compare === 'function' ? ca.compare(b) : 0
}

/**
 * A primitive standing for a value's identity (Java equals()), usable as a Set/Map key: structs,
 * maps and arrays compare by content, decimals by value (1.0 equals 1.00), bytes by content.
 */
export function valueKey(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v !== 'object') return v
  if (Buffer.isBuffer(v)) return `b:${v.toString('base64')}`
  return `j:${JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x] : x))}`
}

export function sameValue(a: unknown, b: unknown): boolean {
  return valueKey(a) === valueKey(b)
}
