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
