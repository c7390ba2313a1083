import { assertNever } from '../../shared/assert-never.ts'
import type { AnalyzedSource } from './analysis.ts'
import type { ExecutionPlan, ExecutionStep, SinkStep, SourceStep } from './execution-plan.ts'
import type { JoinSpec, LogicalNode, LogicalPlan, SinkNode } from './logical-plan.ts'

export interface PlanIdentity {
  readonly queryId: string
  readonly statement: string
}

/** The logical plan as the serializable execution plan the runtime runs and the command topic keeps. */
export function buildExecutionPlan(logical: SinkNode, identity: PlanIdentity): PersistentPlan
export function buildExecutionPlan(logical: LogicalPlan, identity: PlanIdentity): ExecutionPlan
export function buildExecutionPlan(logical: LogicalPlan, identity: PlanIdentity): ExecutionPlan {
  const sink: SinkStep | null = logical.kind === 'sink' ? { kind: 'sinkV1', ...logical.target } : null
  const { source, steps } = stepsOf(logical.kind === 'sink' ? logical.input : logical)
  return { version: 1, queryId: identity.queryId, statement: identity.statement, source, steps, sink }
}

/** The plan of a persistent query: it writes a sink. */
export type PersistentPlan = ExecutionPlan & { readonly sink: SinkStep }

interface Steps {
  readonly source: SourceStep
  readonly steps: readonly ExecutionStep[]
}

/** The node's source step and the steps from it up to the node, in execution order. */
function stepsOf(node: LogicalNode): Steps {
  switch (node.kind) {
    case 'dataSource':
      return { source: sourceStepOf(node.source), steps: [] }
    case 'join':
      return after(node.left, joinStep(node.join, sourceStepOf(node.right.source)))
    case 'filter':
      return after(node.input, { kind: 'filterV1', predicate: node.predicate })
    case 'flatMap':
      return after(node.input, { kind: 'flatMapV1', tableFunctions: node.tableFunctions })
    case 'repartition':
      return after(node.input, { kind: 'partitionByV1', keyExpressions: node.keyExpressions })
    case 'aggregate':
      return after(node.input, {
        kind: 'aggregateV1',
        groupBy: node.aggregation.groupBy,
        aggregates: node.aggregation.aggregates,
        window: node.aggregation.window,
        having: node.aggregation.having,
        keyColumns: node.keyColumns,
        valueColumns: node.valueColumns,
        emitFinal: node.aggregation.emitFinal,
      })
    case 'project':
      return after(node.input, {
        kind: 'projectV1',
        keyColumns: node.keyColumns,
        valueColumns: node.valueColumns,
      })
    default:
      return assertNever(node, 'logical node')
  }
}

function after(input: LogicalNode, step: ExecutionStep): Steps {
  const below = stepsOf(input)
  return { source: below.source, steps: [...below.steps, step] }
}

function joinStep(join: JoinSpec, right: SourceStep): ExecutionStep {
  switch (join.kind) {
    case 'streamTable':
      return {
        kind: 'streamTableJoinV1',
        joinType: join.joinType,
        right,
        leftKey: join.leftKey,
        schema: join.schema,
      }
    case 'tableTable':
      return { kind: 'tableTableJoinV1', joinType: join.joinType, right, schema: join.schema }
    case 'foreignKey': {
      const { joinType, foreignKey, schema } = join
      return { kind: 'foreignKeyJoinV1', joinType, right, foreignKey, schema }
    }
    case 'streamStream': {
      const { joinType, leftKey, rightKey, beforeMs, afterMs, graceMs, schema } = join
      return {
        kind: 'streamStreamJoinV1',
        joinType,
        right,
        leftKey,
        rightKey,
        beforeMs,
        afterMs,
        graceMs,
        schema,
      }
    }
    default:
      return assertNever(join, 'join kind')
  }
}

export function sourceStepOf({ source, alias }: AnalyzedSource): SourceStep {
  return {
    kind: 'sourceV1',
    name: source.name,
    alias,
    sourceType: source.type,
    topic: source.topic,
    schema: source.schema,
    formats: source.formats,
    window: source.window,
    timestampColumn: source.timestampColumn,
    timestampFormat: source.timestampFormat,
  }
}
