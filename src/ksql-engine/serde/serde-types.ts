import type { SqlType } from '../types/sql-type.ts'

/** A column as the serde sees it: name as stored (case kept) and type. */
export interface SerdeColumn {
  readonly name: string
  readonly type: SqlType
}

/**
 * Format options resolved by the analyzer from WITH (...) and server config.
 * - `wrapSingleValue`: JSON single-column values as `{"COL": v}` (true, the value default) or the bare
 *   value (false, the key default). Ignored for several columns (always wrapped / an object).
 * - `delimiter`: DELIMITED field separator, one character ('\t' for TAB, ' ' for SPACE); default ','.
 */
export interface SerdeOptions {
  readonly wrapSingleValue?: boolean
  readonly delimiter?: string
}

/**
 * Converts one record key or value between bytes and the engine's column values (one entry per
 * column, in column order, runtime representation documented in types/sql-type.ts).
 * `deserialize` throws RecordError for malformed bytes; the runtime logs it and skips the record.
 * A value serde returns null for a null (tombstone) value and serializes null back to null.
 * A key serde maps null bytes to null (no key); see createKeySerde for NULL key columns.
 */
export interface Serde {
  serialize(values: readonly unknown[] | null): Buffer | null
  deserialize(bytes: Buffer | null): unknown[] | null
}
