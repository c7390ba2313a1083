import type { Expression, WindowSpec } from '../expression/nodes.ts'
import type { DataSource, LogicalSchema, WindowInfo } from '../metastore/source.ts'
import type { SqlType } from '../types/sql-type.ts'

/**
 * What the analyzer hands the planner: the resolved query as plain data (sources, joins, clauses
 * rewritten over the rows they read, output columns with their names and types), every error
 * already raised. Nothing here is executable; the planner turns it into logical nodes, then into
 * the execution plan's steps.
 */
export interface QueryAnalysis {
  /** The FROM source (a join's left-most source). */
  readonly source: DataSource
  /** The name the FROM source's columns are qualified with. */
  readonly alias: string
  /** The joins in order, each over the rows the previous ones produced; empty without JOIN. */
  readonly joins: readonly AnalyzedJoin[]
  /** WHERE over the (joined) input row, or null. */
  readonly where: Expression | null
  /** Table functions of the SELECT list (their values become `KSQL_SYNTH_<n>`); empty without any. */
  readonly tableFunctions: readonly AnalyzedTableFunction[]
  /** PARTITION BY's key expressions (empty: PARTITION BY NULL), or null without one. */
  readonly partitionBy: readonly Expression[] | null
  /** GROUP BY / aggregates, or null for a projection. */
  readonly aggregation: AnalyzedAggregation | null
  /** The output columns, key then value, with expressions over the rows they read. */
  readonly projection: AnalyzedProjection
  /** EMIT CHANGES / FINAL, or null for a pull query or a persistent query without EMIT. */
  readonly emit: 'CHANGES' | 'FINAL' | null
  /** LIMIT (checked not negative; persistent queries refuse one), or null. */
  readonly limit: number | null
  readonly schema: LogicalSchema
  readonly isAggregate: boolean
  readonly isTable: boolean
  readonly window: WindowInfo | null
  readonly warnings: readonly string[]
  /** Output columns in SELECT order (transient queries print them so). */
  readonly selectOrder: readonly { readonly namespace: 'key' | 'value'; readonly index: number }[]
  /** State types of the aggregates (formats must be able to hold them). */
  readonly intermediateTypes: readonly SqlType[]
}

/** A source the query reads, with the name its columns are qualified with. */
export interface AnalyzedSource {
  readonly source: DataSource
  readonly alias: string
}

/** One join of the query: its kind decides how rows of both sides meet; `schema` is its output. */
export type AnalyzedJoin =
  | {
      readonly kind: 'streamTable'
      readonly joinType: 'INNER' | 'LEFT'
      readonly right: AnalyzedSource
      /** Over the rows entering the join: the table key each stream row looks up. */
      readonly leftKey: Expression
      readonly schema: LogicalSchema
    }
  | {
      readonly kind: 'tableTable'
      readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
      readonly right: AnalyzedSource
      readonly schema: LogicalSchema
    }
  | {
      readonly kind: 'foreignKey'
      readonly joinType: 'INNER' | 'LEFT'
      readonly right: AnalyzedSource
      /** Over the left table's row: the right table's key it refers to. */
      readonly foreignKey: Expression
      readonly schema: LogicalSchema
    }
  | {
      readonly kind: 'streamStream'
      readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
      readonly right: AnalyzedSource
      readonly leftKey: Expression
      readonly rightKey: Expression
      /** The WITHIN window: rows meet from `beforeMs` before to `afterMs` after, held `graceMs` more. */
      readonly beforeMs: number
      readonly afterMs: number
      readonly graceMs: number
      readonly schema: LogicalSchema
    }

export interface AnalyzedTableFunction {
  readonly name: string
  readonly args: readonly Expression[]
}

/** An output column: its resolved name and the expression computing it. */
export interface AnalyzedColumn {
  readonly name: string
  readonly expression: Expression
}

export interface AnalyzedProjection {
  readonly keyColumns: readonly AnalyzedColumn[]
  readonly valueColumns: readonly AnalyzedColumn[]
}

export interface AnalyzedAggregateCall {
  readonly name: string
  readonly args: readonly Expression[]
  readonly star: boolean
}

/** GROUP BY, its aggregate calls, WINDOW, HAVING and EMIT FINAL; the projection reads the result. */
export interface AnalyzedAggregation {
  readonly groupBy: readonly Expression[]
  readonly aggregates: readonly AnalyzedAggregateCall[]
  readonly window: WindowSpec | null
  readonly having: Expression | null
  readonly emitFinal: boolean
}
