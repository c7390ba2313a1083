/** One record flowing through a query: key and value columns by position, plus system columns. */
export interface Row {
  readonly key: readonly unknown[]
  /** null: a record without value (stream "null row" or table tombstone). */
  readonly value: readonly unknown[] | null
  readonly timestamp: number
  readonly partition: number
  readonly offset: number
  readonly window: WindowBounds | null
}

export interface WindowBounds {
  readonly start: number
  readonly end: number
}

const nullKeys = new WeakSet<readonly unknown[]>()
/** Until some key is marked (a keyed source read a record without a Kafka key), no lookup is needed. */
let anyMarked = false

/**
 * Marks a key array as "the record had no key at all" (null Kafka key), which differs from a key
 * whose columns are all null: ksqlDB writes the former as a null key and the latter as e.g. a JSON
 * object with null fields.
 */
export function markNullKey<T extends readonly unknown[]>(key: T): T {
  anyMarked = true
  nullKeys.add(key)
  return key
}

export function isNullKey(key: readonly unknown[]): boolean {
  return anyMarked && nullKeys.has(key)
}
