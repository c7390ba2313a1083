import type { FunctionRegistry } from '../../functions/function-types.ts'
import type { Row } from '../../expression/row.ts'

/**
 * Operators are push-based: each receives the new row and, for table changes, the prior row for the
 * same key (null for streams), and calls the next operator. A row with `value: null` is a tombstone.
 */
export type Downstream = (row: Row, prior: Row | null) => void

export interface OperatorContext {
  readonly queryId: string
  readonly functions: FunctionRegistry
  /** Record-level error: goes to the processing log; the caller decides to skip or use NULL. */
  logError(message: string, row: Row | null, unreadable?: UnreadableRecord): void
}

/** A source record that could not be deserialized: ksqlDB logs it as a deserialization error. */
export interface UnreadableRecord {
  readonly target: 'key' | 'value'
  readonly bytes: Buffer | null
}
