import type { Expression } from '../expression/nodes.ts'
import type { LogicalSchema } from '../metastore/source.ts'
import type {
  AnalyzedAggregation,
  AnalyzedColumn,
  AnalyzedJoin,
  AnalyzedSource,
  AnalyzedTableFunction,
  QueryAnalysis,
} from './analysis.ts'
import type { SinkStep } from './execution-plan.ts'

/** Where a persistent query writes: the sink's name, topic, schema and formats. */
export type SinkTarget = Omit<SinkStep, 'kind'>

/**
 * The logical plan: a tree of relational nodes, each reading the node(s) below it, the data
 * sources at the leaves. It says what the query computes; `buildExecutionPlan` says how.
 */
export type LogicalNode =
  | DataSourceNode
  | {
      readonly kind: 'join'
      readonly left: LogicalNode
      readonly right: DataSourceNode
      readonly join: JoinSpec
    }
  | { readonly kind: 'filter'; readonly input: LogicalNode; readonly predicate: Expression }
  | {
      readonly kind: 'flatMap'
      readonly input: LogicalNode
      readonly tableFunctions: readonly AnalyzedTableFunction[]
    }
  | {
      readonly kind: 'repartition'
      readonly input: LogicalNode
      readonly keyExpressions: readonly Expression[]
    }
  | {
      readonly kind: 'aggregate'
      readonly input: LogicalNode
      readonly aggregation: AnalyzedAggregation
      /** The projection over the grouping expressions and aggregate calls. */
      readonly keyColumns: readonly AnalyzedColumn[]
      readonly valueColumns: readonly AnalyzedColumn[]
      readonly schema: LogicalSchema
    }
  | {
      readonly kind: 'project'
      readonly input: LogicalNode
      readonly keyColumns: readonly AnalyzedColumn[]
      readonly valueColumns: readonly AnalyzedColumn[]
      readonly schema: LogicalSchema
    }

/** A plan's root: the query's nodes, written to a sink when the query is persistent. */
export type LogicalPlan = LogicalNode | SinkNode

export interface SinkNode {
  readonly kind: 'sink'
  readonly input: LogicalNode
  readonly target: SinkTarget
}

export interface DataSourceNode {
  readonly kind: 'dataSource'
  readonly source: AnalyzedSource
}

/** A join without its right side (the join node's `right` child). */
export type JoinSpec = AnalyzedJoin extends infer J
  ? J extends AnalyzedJoin
    ? Omit<J, 'right'>
    : never
  : never

export type LogicalNodeKind = LogicalPlan['kind']

/**
 * The analysis as logical nodes, bottom up: source, joins, WHERE, table functions, PARTITION BY,
 * then the aggregation or the projection, and the sink when the query writes one.
 */
export function buildLogicalPlan(analysis: QueryAnalysis, sink: SinkTarget): SinkNode
export function buildLogicalPlan(analysis: QueryAnalysis, sink?: null): LogicalNode
export function buildLogicalPlan(analysis: QueryAnalysis, sink: SinkTarget | null = null): LogicalPlan {
  let node: LogicalNode = { kind: 'dataSource', source: { source: analysis.source, alias: analysis.alias } }
  for (const { right, ...join } of analysis.joins) {
    node = { kind: 'join', left: node, right: { kind: 'dataSource', source: right }, join }
  }
  if (analysis.where !== null) node = { kind: 'filter', input: node, predicate: analysis.where }
  if (analysis.tableFunctions.length > 0) {
    node = { kind: 'flatMap', input: node, tableFunctions: analysis.tableFunctions }
  }
  if (analysis.partitionBy !== null) {
    node = { kind: 'repartition', input: node, keyExpressions: analysis.partitionBy }
  }
  const { keyColumns, valueColumns } = analysis.projection
  node =
    analysis.aggregation === null
      ? { kind: 'project', input: node, keyColumns, valueColumns, schema: analysis.schema }
      : {
          kind: 'aggregate',
          input: node,
          aggregation: analysis.aggregation,
          keyColumns,
          valueColumns,
          schema: analysis.schema,
        }
  return sink === null ? node : { kind: 'sink', input: node, target: sink }
}
