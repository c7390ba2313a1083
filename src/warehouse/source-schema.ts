import type { SqlType } from '../ksql-engine/light-api.ts'

/** How a column reaches the warehouse: from the record key, the window of a windowed key, or the value. */
export type ColumnRole = 'key' | 'window' | 'value'

export interface SourceColumn {
  /** The ksqlDB column name as it appears in decoded rows (upper-case unless quoted). */
  readonly name: string
  readonly type: SqlType
  readonly role: ColumnRole
}

/** One ksqlDB table (or table feed) as the warehouse sees it. */
export interface WarehouseSource {
  readonly topic: string
  /** ksqlDB source name, for messages; the topic for config-only feeds. */
  readonly name: string
  readonly columns: readonly SourceColumn[]
  readonly windowType: 'TUMBLING' | 'HOPPING' | 'SESSION' | null
}

/** Per-feed overrides from the config (`feeds[]`). */
export interface WarehouseOverrides {
  readonly warehouseTable?: string | undefined
  /** Renames, matched case-insensitively on the ksqlDB name: { WINDOWSTART: 'window_start_time' }. */
  readonly columns?: Readonly<Record<string, string>> | undefined
  /** ksqlDB columns not written to MySQL (matched case-insensitively). */
  readonly ignoreColumns?: readonly string[] | undefined
}

/** The window bounds of a windowed key, as decoded rows name them (spec A6). */
export const WINDOW_START = 'WINDOWSTART'
export const WINDOW_END = 'WINDOWEND'
