import type { SqlType } from './types/sql-type.ts'
import type { QueryDescription } from './explain/describe-plan.ts'
import type { ParsedStatement } from './parser/ast.ts'
import type { StatementSlice } from '../shared/split-statements.ts'

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

/** A record with its offset in its partition (as Kafka numbers them). */
export interface OffsetRecord extends EngineRecord {
  readonly offset: number
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
  /** Why the query stopped processing (state ERROR), as ksqlDB's QueryError: newest last. */
  readonly errors?: readonly QueryError[]
}

/** ksqlDB's QueryError: USER when the query's own inputs or outputs are at fault (e.g. a topic gone). */
export interface QueryError {
  readonly timestamp: number
  readonly errorMessage: string
  readonly type: 'USER' | 'SYSTEM' | 'UNKNOWN'
}

/** One result per executed statement, shaped so the REST layer can build ksqlDB's entities. */
export type StatementResult =
  | {
      readonly kind: 'sourceCreated'
      readonly source: SourceInfo
      readonly queryId: string | null
      readonly message: string
      /** Lint findings about the statement (e.g. grouping by a masked column); the REST entity's `warnings`. */
      readonly warnings?: readonly string[]
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
  | { readonly kind: 'queryDescription'; readonly description: QueryDescription } // EXPLAIN
  | {
      readonly kind: 'queryRows'
      readonly columns: readonly ColumnInfo[]
      readonly rows: readonly (readonly unknown[])[]
      /** Indexes of rows that are table tombstones (push queries on tables: key only, values null). */
      readonly tombstones?: readonly number[]
      /** Set for a push query run with `RunOptions.live`: stops its later rows. */
      readonly close?: () => void
    } // pull query

/** What a request's statements are parsed with (see Engine.prepare). */
export interface PrepareOptions {
  /** Statement-scoped overrides, e.g. { 'auto.offset.reset': 'earliest' }. */
  readonly properties?: Readonly<Record<string, string>>
  readonly variables?: Readonly<Record<string, string>>
}

/** What a prepared request runs with beyond its statements (see Engine.executePrepared). */
export interface RunOptions {
  /**
   * Push queries (EMIT CHANGES) keep running: the rows of the records the engine still holds are
   * returned as usual, and every row of a record appended later goes to `onRow` until `close()`.
   */
  readonly live?: LiveRows
  /**
   * The whole history of topics whose older records the engine no longer holds, for pull queries
   * on streams (ksqlDB scans the topic): read from where the embedder keeps it (Kafka).
   */
  readonly history?: ReadonlyMap<string, readonly OffsetRecord[]>
}

export interface ExecuteOptions extends PrepareOptions, RunOptions {}

/**
 * One statement of a request as written (its text before variable substitution, with its `;`,
 * and where it starts in the request), parsed once: the AST, or why it does not parse, which is
 * reported (as the EngineError it holds) when validation reaches it.
 */
export type PreparedStatement = StatementSlice &
  (
    | { readonly kind: 'parsed'; readonly parsed: ParsedStatement }
    | { readonly kind: 'unparsable'; readonly error: EngineErrorInfo }
  )

/**
 * A request split into statements once and each statement parsed once, `${name}` references
 * substituted in request order (DEFINE/UNDEFINE and SET/UNSET of earlier statements apply):
 * the sandbox validation and the real run both take these statements, never the text again.
 */
export interface PreparedRequest {
  readonly statements: readonly PreparedStatement[]
  /** The request's own properties and variables: every run of it starts its scope from them. */
  readonly options: PrepareOptions
}

export interface LiveRows {
  onRow(row: readonly unknown[], tombstone: boolean): void
}

/** Processing-log entry: a record-level error; the query skips the record and keeps running. */
export interface ProcessingLogEntry {
  readonly queryId: string
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly message: string
  /** ksqlDB's message type: a record that could not be read (deserialization) or one that failed later. */
  readonly kind?: 'deserialization' | 'processing'
  /** For deserialization errors: the part that could not be read. */
  readonly target?: 'key' | 'value'
  /** For deserialization errors: the bytes that could not be read. */
  readonly record?: Buffer | null
}

export type EngineErrorKind = 'parse' | 'statement' | 'unsupported'

/** Statement-level failure: the REST layer maps it to a 400 statement_error (40001). */
export interface EngineErrorInfo {
  readonly kind: EngineErrorKind
  readonly message: string // ksqlDB's wording, e.g. "line 1:8: Syntax Error" or "Cannot add stream 'S': ..."
  readonly statementText: string
}

export interface EngineOptions {
  /** Server-level properties, e.g. { 'ksql.service.id': 'default_', 'auto.offset.reset': 'latest' }. */
  readonly properties?: Readonly<Record<string, string>>
}

/**
 * The in-process engine over in-memory topics: produce() appends a record and runs every query that
 * reads the topic to completion before returning (QTT semantics: cache off, every update emitted).
 */
export interface Engine {
  /** Parses, validates (all statements first, in a sandbox) and executes; throws EngineError. */
  execute(sql: string, options?: ExecuteOptions): StatementResult[]
  createTopic(name: string, partitions?: number): void
  produce(record: Omit<EngineRecord, 'partition'> & { readonly partition?: number }): void
  records(topic: string): readonly EngineRecord[]
  topics(): string[]
  sources(): SourceInfo[]
  queries(): QueryInfo[]
  processingLog(): readonly ProcessingLogEntry[]
}

/**
 * The engine a server runs requests on: it splits and parses a request once (prepare), looks at
 * its statements, and hands the same parsed statements to validation and execution.
 */
export interface ServingEngine extends Engine {
  /** prepare() then executePrepared(): for callers that have text (tests, migrations, replays). */
  execute(sql: string, options?: ExecuteOptions): StatementResult[]
  /** Splits and parses a request once, changing nothing; parse errors are data, not thrown. */
  prepare(sql: string, options?: PrepareOptions): PreparedRequest
  /**
   * Validates every statement (all first, in a sandbox: nothing runs unless all are valid), then
   * executes them; throws EngineError (a statement that did not parse fails here, in its turn).
   */
  executePrepared(request: PreparedRequest, options?: RunOptions): StatementResult[]
}
