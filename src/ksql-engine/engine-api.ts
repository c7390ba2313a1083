import type { SqlType } from './types/sql-type.ts'

/**
 * The embedded engine's in-process surface (no HTTP): what the conformance runner, the lab tests
 * and (later) the REST server call. Records carry raw bytes exactly as they would sit in Kafka.
 */
export type KeyFormat = 'KAFKA' | 'JSON' | 'DELIMITED' | 'NONE'
export type ValueFormat = 'JSON' | 'DELIMITED' | 'KAFKA'
export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION'

export interface EngineRecord {
  readonly topic: string
  readonly partition: number
  readonly key: Buffer | null
  readonly value: Buffer | null // null = tombstone
  readonly timestamp: number
  readonly headers?: Readonly<Record<string, Buffer>>
}

export interface ColumnInfo {
  readonly name: string
  readonly type: SqlType
  readonly namespace: 'KEY' | 'VALUE' | 'HEADERS'
}

export interface SourceInfo {
  readonly name: string
  readonly type: 'STREAM' | 'TABLE'
  readonly topic: string
  readonly columns: readonly ColumnInfo[]
  readonly keyFormat: KeyFormat
  readonly valueFormat: ValueFormat
  /** e.g. { WRAP_SINGLE_VALUE: false, delimiter: '|' } as far as the engine tracks them. */
  readonly keyFeatures: readonly string[]
  readonly valueFeatures: readonly string[]
  readonly windowType: WindowType | null
  readonly windowSizeMs: number | null
  readonly isSource: boolean
  readonly timestampColumn: string | null
  /** The statement that created it. */
  readonly statement: string
}

export interface QueryInfo {
  readonly id: string // CSAS_S2_3, CTAS_T_1, INSERTQUERY_5
  readonly statement: string
  readonly sinks: readonly string[]
  readonly sinkTopics: readonly string[]
  readonly sources: readonly string[]
  readonly state: 'RUNNING' | 'ERROR' | 'TERMINATED'
}

/** One result per executed statement, shaped so the REST layer can build ksqlDB's entities. */
export type StatementResult =
  | {
      readonly kind: 'sourceCreated'
      readonly source: SourceInfo
      readonly queryId: string | null
      readonly message: string
    }
  | { readonly kind: 'sourceDropped'; readonly name: string; readonly message: string }
  | { readonly kind: 'queryTerminated'; readonly queryIds: readonly string[]; readonly message: string }
  | { readonly kind: 'inserted'; readonly queryId: string | null; readonly message: string } // INSERT INTO … SELECT/VALUES
  | { readonly kind: 'propertySet'; readonly name: string; readonly value: string | null }
  | { readonly kind: 'variableSet'; readonly name: string; readonly value: string | null }
  | {
      readonly kind: 'listing'
      readonly what: 'STREAMS' | 'TABLES' | 'QUERIES' | 'TOPICS' | 'PROPERTIES' | 'VARIABLES' | 'FUNCTIONS'
      readonly rows: readonly unknown[]
    }
  | { readonly kind: 'description'; readonly source: SourceInfo; readonly extended: boolean }
  | {
      readonly kind: 'queryRows'
      readonly columns: readonly ColumnInfo[]
      readonly rows: readonly (readonly unknown[])[]
    } // pull query

export interface ExecuteOptions {
  /** Statement-scoped overrides, e.g. { 'auto.offset.reset': 'earliest' }. */
  readonly properties?: Readonly<Record<string, string>>
  readonly variables?: Readonly<Record<string, string>>
}

/** Processing-log entry: a record-level error; the query skips the record and keeps running. */
export interface ProcessingLogEntry {
  readonly queryId: string
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly message: string
}
