import { compileExpression } from '../expression/compile-expression.ts'
import { scopeOverSlots, slotsOf, type ColumnSlot } from '../expression/schema-scope.ts'
import type { ColumnInfo, QueryInfo, WindowType } from '../engine-api.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import type { Column, LogicalSchema } from '../metastore/source.ts'
import type { ExecutionPlan, ExecutionStep } from '../planner/execution-plan.ts'
import { compileTableFunctions } from '../runtime/operators/flat-map-operator.ts'
import { assertNever } from '../../shared/assert-never.ts'
import { BIGINT, INTEGER, STRING, formatSqlType, type SqlType } from '../types/sql-type.ts'

/** What EXPLAIN answers about a query: ksqlDB's QueryDescription, from the plan alone. */
export interface QueryDescription {
  readonly id: string
  readonly statementText: string
  readonly windowType: WindowType | null
  /** The query's output columns (its sink's schema). */
  readonly fields: readonly ColumnInfo[]
  readonly sources: readonly string[]
  readonly sinks: readonly string[]
  readonly sinkKafkaTopics: readonly string[]
  /** The processors the plan runs as, in Kafka Streams' TopologyDescription layout. */
  readonly topology: string
  /** ksqlDB's plan summary: one ` > [ STEP ] | Schema: … | Logger: …` line per step, sink first. */
  readonly executionPlan: string
  readonly queryType: 'PERSISTENT' | 'PUSH'
  /** RUNNING / ERROR for a running query; UNKNOWN for an explained statement that does not run. */
  readonly state: string
}

interface PlanNode {
  readonly op: string
  readonly schema: LogicalSchema
  readonly logger: string
  /** Processor name in the topology text. */
  readonly processor: string
}

const IDENTIFIER = /^[A-Z_][A-Z0-9_]*$/

function columnText(c: Column, key: boolean): string {
  const name = IDENTIFIER.test(c.name) ? c.name : `\`${c.name.replaceAll('`', '``')}\``
  return `${name} ${formatSqlType(c.type)}${key ? ' KEY' : ''}`
}

/** LogicalSchema as ksqlDB prints it in plans: `K STRING KEY, V INTEGER`. */
export function schemaText(schema: LogicalSchema): string {
  return [
    ...schema.key.map((c) => columnText(c, true)),
    ...schema.value.map((c) => columnText(c, false)),
  ].join(', ')
}

/**
 * Describes a plan. Step schemas follow ksqlDB's: the source step shows the pseudo columns and the
 * key copied into the value, as its rows carry them; later steps what they output.
 */
export function describePlan(
  plan: ExecutionPlan,
  query: { readonly id: string; readonly state: string; readonly queryType: 'PERSISTENT' | 'PUSH' },
  output: LogicalSchema,
  functions: FunctionRegistry,
): QueryDescription {
  const id = query.id
  const source = plan.source
  const windowed = source.window !== null
  const sourceValue: Column[] = [
    ...source.schema.value,
    { name: 'ROWTIME', type: BIGINT },
    { name: 'ROWPARTITION', type: INTEGER },
    { name: 'ROWOFFSET', type: BIGINT },
    ...source.schema.key,
    ...(windowed
      ? [
          { name: 'WINDOWSTART', type: BIGINT },
          { name: 'WINDOWEND', type: BIGINT },
        ]
      : []),
  ]
  const nodes: PlanNode[] = [
    {
      op: 'SOURCE',
      schema: { key: source.schema.key, value: sourceValue },
      logger: `${id}.KsqlTopic.Source`,
      processor: 'KSTREAM-SOURCE-0000000000',
    },
  ]
  let slots: ColumnSlot[] = slotsOf(source.schema)
  let schema: LogicalSchema = source.schema
  const scope = (): ReturnType<typeof scopeOverSlots> =>
    scopeOverSlots(slots, { functions, qualifiers: [source.name, source.alias], windowBounds: true })
  const typeOf = (step: { expression: Parameters<typeof compileExpression>[0] }): SqlType => {
    try {
      return compileExpression(step.expression, scope()).type ?? STRING
    } catch {
      return STRING
    }
  }
  for (const step of plan.steps) nodes.push(...nodesOf(step))
  if (plan.sink !== null) {
    nodes.push({
      op: 'SINK',
      schema: output,
      logger: `${id}.${plan.sink.name}`,
      processor: `${plan.sink.name}-sink`,
    })
  }

  function nodesOf(step: ExecutionStep): PlanNode[] {
    switch (step.kind) {
      case 'filterV1':
        return [{ op: 'FILTER', schema, logger: `${id}.WhereFilter`, processor: 'WhereFilter' }]
      case 'flatMapV1': {
        const next = compileTableFunctions(step.tableFunctions, scope(), functions).slots(slots)
        const added = next.slice(slots.length).map((s) => s.column)
        slots = next
        schema = { key: schema.key, value: [...schema.value, ...added] }
        return [{ op: 'FLAT_MAP', schema, logger: `${id}.FlatMap`, processor: 'FlatMap' }]
      }
      case 'partitionByV1': {
        const key = step.keyExpressions.map((expression, i) => ({
          name: output.key[i]?.name ?? `KSQL_COL_${i}`,
          type: typeOf({ expression }),
        }))
        schema = { key, value: [...schema.value, ...schema.key] }
        slots = slots.map((s) => ({
          ...s,
          namespace: 'value' as const,
          index: s.namespace === 'key' ? s.index : source.schema.key.length + s.index,
        }))
        return [{ op: 'REKEY', schema, logger: `${id}.PartitionBy`, processor: 'PartitionBy-SelectKey' }]
      }
      case 'streamTableJoinV1':
      case 'streamStreamJoinV1':
      case 'tableTableJoinV1':
      case 'foreignKeyJoinV1': {
        // The joined row: both sides' columns, named as the join's own schema names them.
        schema = step.schema
        slots = slotsOf(step.schema)
        const processor =
          step.kind === 'streamTableJoinV1'
            ? 'Join'
            : step.kind === 'foreignKeyJoinV1'
              ? 'KTable-FK-JoinOther'
              : step.kind === 'streamStreamJoinV1'
                ? 'KStream-KStream-Join'
                : 'KTable-KTable-Join'
        return [{ op: 'JOIN', schema, logger: `${id}.Join`, processor }]
      }
      case 'projectV1':
        return [{ op: 'PROJECT', schema: output, logger: `${id}.Project`, processor: 'Project' }]
      case 'aggregateV1': {
        return aggregateNodes(step, { id, schema, output, functions, scope: scope(), typeOf })
      }
      default:
        return assertNever(step, 'execution step')
    }
  }

  const fields: ColumnInfo[] = [
    ...output.key.map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' as const })),
    ...output.value.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
  ]
  return {
    id,
    statementText: plan.statement,
    windowType: plan.sink?.window?.type ?? null,
    fields,
    sources: [source.name],
    sinks: plan.sink === null ? [] : [plan.sink.name],
    sinkKafkaTopics: plan.sink === null ? [] : [plan.sink.topic],
    topology: topologyText(nodes, source.topic, plan.sink?.topic ?? null),
    executionPlan: planText([...nodes].reverse()),
    queryType: query.queryType,
    state: query.state,
  }
}

/** GROUP BY, AGGREGATE and PROJECT: the three nodes ksqlDB shows for an aggregation. */
function aggregateNodes(
  step: ExecutionStep & { kind: 'aggregateV1' },
  at: {
    readonly id: string
    readonly schema: LogicalSchema
    readonly output: LogicalSchema
    readonly functions: FunctionRegistry
    readonly scope: ReturnType<typeof scopeOverSlots>
    readonly typeOf: (step: { expression: Parameters<typeof compileExpression>[0] }) => SqlType
  },
): PlanNode[] {
  const { id, schema, output, functions, scope, typeOf } = at
  const key = step.groupBy.map((expression, i) => ({
    name: output.key[i]?.name ?? `KSQL_COL_${i}`,
    type: typeOf({ expression }),
  }))
  const aggregates = step.aggregates.map((call, i) => {
    const fn = functions.aggregate(call.name)
    const args = call.args.map((a) => {
      try {
        return compileExpression(a, scope)
      } catch {
        return { type: null }
      }
    })
    const resolved = fn?.resolve(args.map((a) => ({ type: a.type })))
    return {
      name: `KSQL_AGG_VARIABLE_${i}`,
      type: resolved?.ok === true ? resolved.value.returnType : BIGINT,
    }
  })
  return [
    {
      op: 'GROUP_BY',
      schema: { key, value: schema.value },
      logger: `${id}.Aggregate.GroupBy`,
      processor: 'Aggregate-GroupBy',
    },
    {
      op: 'AGGREGATE',
      schema: { key, value: aggregates },
      logger: `${id}.Aggregate.Aggregate`,
      processor: 'Aggregate-Aggregate-Materialize',
    },
    {
      op: 'PROJECT',
      schema: output,
      logger: `${id}.Aggregate.Project`,
      processor: 'Aggregate-Project',
    },
  ]
}

/** ksqlDB's PlanSummary: the last step first; each input one level (two tabs) deeper. */
function planText(topDown: readonly PlanNode[]): string {
  return topDown
    .map(
      (n, depth) =>
        `${'\t\t'.repeat(depth)} > [ ${n.op} ] | Schema: ${schemaText(n.schema)} | Logger: ${n.logger}\n`,
    )
    .join('')
}

/** One sub-topology: the source topic, a processor per step, the sink topic. */
function topologyText(nodes: readonly PlanNode[], sourceTopic: string, sinkTopic: string | null): string {
  const lines = ['Topologies:', '   Sub-topology: 0']
  nodes.forEach((n, i) => {
    const prev = nodes[i - 1]
    const next = nodes[i + 1]
    if (i === 0) lines.push(`    Source: ${n.processor} (topics: [${sourceTopic}])`)
    else if (n.op === 'SINK') lines.push(`    Sink: ${n.processor} (topic: ${sinkTopic ?? ''})`)
    else
      lines.push(`    Processor: ${n.processor} (stores: [${n.op === 'AGGREGATE' ? `${n.processor}` : ''}])`)
    if (next !== undefined) lines.push(`      --> ${next.processor}`)
    if (prev !== undefined) lines.push(`      <-- ${prev.processor}`)
  })
  return `${lines.join('\n')}\n\n`
}

/** The description of a running persistent query. */
export function describeRunningQuery(
  plan: ExecutionPlan,
  info: QueryInfo,
  functions: FunctionRegistry,
  state: string = info.state,
): QueryDescription {
  return describePlan(
    plan,
    { id: info.id, state, queryType: 'PERSISTENT' },
    plan.sink?.schema ?? { key: [], value: [] },
    functions,
  )
}
