import type { KeyFormat, ValueFormat } from '../engine-api.ts'
import type { FormatInfo, LogicalSchema, WindowInfo } from '../metastore/source.ts'
import type { Expression, WindowSpec } from '../expression/nodes.ts'

/**
 * A persistent query as immutable, JSON-serializable data: the runtime compiles it into operators,
 * and a later version can persist and replay it. Step kinds carry a version suffix so old plans
 * stay readable when a step's semantics change.
 */
export interface ExecutionPlan {
  readonly version: 1
  readonly queryId: string
  readonly statement: string
  readonly source: SourceStep
  readonly steps: readonly ExecutionStep[]
  readonly sink: SinkStep | null
}

export interface SourceStep {
  readonly kind: 'sourceV1'
  readonly name: string
  readonly alias: string
  readonly sourceType: 'STREAM' | 'TABLE'
  readonly topic: string
  readonly schema: LogicalSchema
  readonly formats: FormatInfo
  readonly window: WindowInfo | null
  readonly timestampColumn: string | null
  readonly timestampFormat: string | null
}

/** A column produced by a projection: its output name and the expression over the step's input. */
export interface ProjectedColumn {
  readonly name: string
  readonly expression: Expression
}

export interface AggregateCall {
  readonly name: string
  readonly args: readonly Expression[]
  readonly star: boolean
}

/** A table function call of a SELECT list (EXPLODE(ARR)); its values become column `KSQL_SYNTH_<n>`. */
export interface TableFunctionCall {
  readonly name: string
  readonly args: readonly Expression[]
}

export type ExecutionStep =
  | { readonly kind: 'filterV1'; readonly predicate: Expression }
  /**
   * Table functions: one row per value, the functions' values zipped (shorter lists padded with
   * NULL); value i of call n is appended to the row's value columns as `KSQL_SYNTH_<n>`.
   */
  | { readonly kind: 'flatMapV1'; readonly tableFunctions: readonly TableFunctionCall[] }
  /** Re-keys a stream: new key = expressions over the input; old key + value columns stay visible. */
  | { readonly kind: 'partitionByV1'; readonly keyExpressions: readonly Expression[] }
  | {
      readonly kind: 'projectV1'
      readonly keyColumns: readonly ProjectedColumn[]
      readonly valueColumns: readonly ProjectedColumn[]
    }
  /**
   * Stream-table join: the table's latest row per key is this step's state store, fed by the
   * table's topic; each stream row looks up `leftKey` (re-keying the stream by it, as ksqlDB's
   * repartition does). Rows leave laid out as `schema`.
   */
  | {
      readonly kind: 'streamTableJoinV1'
      readonly joinType: 'INNER' | 'LEFT'
      readonly right: SourceStep
      readonly leftKey: Expression
      readonly schema: LogicalSchema
    }
  /**
   * Table-table join on both primary keys: each side's latest row per key is a state store, fed
   * by that side's changes; every change re-joins its key (Kafka Streams' KTable-KTable join).
   */
  | {
      readonly kind: 'tableTableJoinV1'
      readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
      readonly right: SourceStep
      readonly schema: LogicalSchema
    }
  /**
   * Stream-stream join within a time window (Kafka Streams' KStream-KStream join): each side's rows
   * are buffered by event time in a window store (retention before + after + grace), keyed by its
   * join value (`leftKey` / `rightKey`, the re-keying ksqlDB's repartition does). A row joins the
   * other side's rows with the same key from `beforeMs` before to `afterMs` after it (mirrored for
   * right rows). LEFT / RIGHT / FULL rows without a match are held until their window closes
   * (stream time past their window end + `graceMs`) and only then emitted with NULLs.
   */
  | {
      readonly kind: 'streamStreamJoinV1'
      readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
      readonly right: SourceStep
      readonly leftKey: Expression
      readonly rightKey: Expression
      readonly beforeMs: number
      readonly afterMs: number
      readonly graceMs: number
      readonly schema: LogicalSchema
    }
  /**
   * Foreign-key table-table join (Kafka Streams' KTable-KTable FK join): the left table's rows
   * subscribe to the right row whose key is `foreignKey` (over the left row); stores hold the left
   * rows, the right rows and the subscriptions per foreign key. Results are keyed by the left key.
   */
  | {
      readonly kind: 'foreignKeyJoinV1'
      readonly joinType: 'INNER' | 'LEFT'
      readonly right: SourceStep
      readonly foreignKey: Expression
      readonly schema: LogicalSchema
    }
  | {
      readonly kind: 'aggregateV1'
      readonly groupBy: readonly Expression[]
      readonly aggregates: readonly AggregateCall[]
      readonly window: WindowSpec | null
      readonly having: Expression | null
      /** Projection over the aggregate result; expressions reference grouping expressions and aggregate calls. */
      readonly keyColumns: readonly ProjectedColumn[]
      readonly valueColumns: readonly ProjectedColumn[]
      readonly emitFinal: boolean
    }

export type ExecutionStepKind = ExecutionStep['kind']

export interface SinkStep {
  readonly kind: 'sinkV1'
  readonly name: string
  readonly topic: string
  readonly schema: LogicalSchema
  readonly keyFormat: KeyFormat
  readonly valueFormat: ValueFormat
  readonly formats: FormatInfo
  readonly window: WindowInfo | null
  readonly isTable: boolean
  /** WITH (TIMESTAMP=...) on the sink: output records take their timestamp from this column. */
  readonly timestampColumn: string | null
  readonly timestampFormat: string | null
}
