import type { KeyFormat, ValueFormat, WindowType } from '../engine-api.ts'
import type { SqlType } from '../types/sql-type.ts'

export interface Column {
  readonly name: string
  readonly type: SqlType
}

/** Key columns then value columns, as ksqlDB's LogicalSchema (system columns are implicit). */
export interface LogicalSchema {
  readonly key: readonly Column[]
  readonly value: readonly Column[]
}

export interface WindowInfo {
  readonly type: WindowType
  readonly sizeMs: number | null
}

export interface FormatInfo {
  readonly keyFormat: KeyFormat
  readonly valueFormat: ValueFormat
  readonly keyDelimiter: string
  readonly valueDelimiter: string
  /** WRAP_SINGLE_VALUE: unwrapped means a single value column is serialized bare. */
  readonly wrapSingleValue: boolean
  readonly unwrapSingleKey?: boolean
}

/** A stream or table in the metastore. Immutable; the metastore replaces it on change. */
export interface DataSource {
  readonly name: string
  readonly type: 'STREAM' | 'TABLE'
  readonly topic: string
  readonly schema: LogicalSchema
  readonly formats: FormatInfo
  readonly window: WindowInfo | null
  readonly timestampColumn: string | null
  readonly timestampFormat: string | null
  readonly isSource: boolean
  readonly statement: string
  /** Id of the query that writes it (CSAS/CTAS), if any. */
  readonly createdBy: string | null
}
