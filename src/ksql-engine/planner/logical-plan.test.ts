import { describe, expect, it } from 'vitest'
import type { Expression, WindowSpec } from '../expression/nodes.ts'
import type { LogicalSchema } from '../metastore/source.ts'
import type { QueryAnalysis } from './analysis.ts'
import { buildExecutionPlan } from './build-execution-plan.ts'
import { buildLogicalPlan, type LogicalPlan, type SinkTarget } from './logical-plan.ts'
import { testSource as source } from '../testing/test-source.ts'

const col = (name: string, qualifier: string | null = null): Expression => ({
  kind: 'column',
  qualifier,
  name,
})
const int = (value: number): Expression => ({ kind: 'literal', type: 'INTEGER', value })
const gt = (left: Expression, right: Expression): Expression => ({ kind: 'comparison', op: '>', left, right })

const ORDERS = source('ORDERS', 'STREAM', {
  key: [{ name: 'ID', type: { kind: 'INTEGER' } }],
  value: [
    { name: 'USER_ID', type: { kind: 'INTEGER' } },
    { name: 'AMOUNT', type: { kind: 'DOUBLE' } },
  ],
})
const USERS = source('USERS', 'TABLE', {
  key: [{ name: 'ID', type: { kind: 'INTEGER' } }],
  value: [{ name: 'NAME', type: { kind: 'STRING' } }],
})

/** A projection over ORDERS with no other clause; each test adds what it analyzes. */
function analysis(overrides: Partial<QueryAnalysis>): QueryAnalysis {
  return {
    source: ORDERS,
    alias: 'ORDERS',
    joins: [],
    where: null,
    tableFunctions: [],
    partitionBy: null,
    aggregation: null,
    projection: { keyColumns: [{ name: 'ID', expression: col('ID') }], valueColumns: [] },
    emit: null,
    limit: null,
    schema: ORDERS.schema,
    isAggregate: false,
    isTable: false,
    window: null,
    warnings: [],
    selectOrder: [],
    intermediateTypes: [],
    ...overrides,
  }
}

/** The node kinds from the root down to the leftmost data source. */
function spine(plan: LogicalPlan): string[] {
  const kinds: string[] = []
  let node: LogicalPlan | null = plan
  while (node !== null) {
    kinds.push(node.kind)
    node = node.kind === 'dataSource' ? null : node.kind === 'join' ? node.left : node.input
  }
  return kinds
}

const identity = { queryId: 'CSAS_OUT_1', statement: 'CREATE STREAM OUT AS SELECT ...' }

describe('buildLogicalPlan → buildExecutionPlan', () => {
  it('plans a filtered projection as source → filter → project, the steps in that order', () => {
    const where = gt(col('AMOUNT'), int(10))
    const valueColumns = [{ name: 'AMOUNT', expression: col('AMOUNT') }]
    const query = analysis({
      where,
      projection: { keyColumns: [{ name: 'ID', expression: col('ID') }], valueColumns },
    })
    const logical = buildLogicalPlan(query)
    expect(spine(logical)).toEqual(['project', 'filter', 'dataSource'])

    const plan = buildExecutionPlan(logical, identity)
    expect(plan).toMatchObject({
      version: 1,
      queryId: 'CSAS_OUT_1',
      statement: identity.statement,
      sink: null,
    })
    expect(plan.source).toEqual({
      kind: 'sourceV1',
      name: 'ORDERS',
      alias: 'ORDERS',
      sourceType: 'STREAM',
      topic: 'orders',
      schema: ORDERS.schema,
      formats: ORDERS.formats,
      window: null,
      timestampColumn: null,
      timestampFormat: null,
    })
    expect(plan.steps).toEqual([
      { kind: 'filterV1', predicate: where },
      { kind: 'projectV1', keyColumns: [{ name: 'ID', expression: col('ID') }], valueColumns },
    ])
  })

  it('plans a windowed aggregate with HAVING as one aggregate step after the filter, EMIT FINAL kept', () => {
    const window: WindowSpec = {
      type: 'TUMBLING',
      sizeMs: 60_000,
      advanceMs: null,
      graceMs: 0,
      retentionMs: null,
    }
    const count: Expression = { kind: 'call', name: 'COUNT', args: [], star: true }
    const having = gt(count, int(1))
    const aggregation = {
      groupBy: [col('USER_ID')],
      aggregates: [{ name: 'COUNT', args: [], star: true }],
      window,
      having,
      emitFinal: true,
    }
    const keyColumns = [{ name: 'USER_ID', expression: col('USER_ID') }]
    const valueColumns = [{ name: 'N', expression: count }]
    const query = analysis({
      where: gt(col('AMOUNT'), int(0)),
      aggregation,
      projection: { keyColumns, valueColumns },
      isAggregate: true,
      isTable: true,
    })
    const logical = buildLogicalPlan(query)
    expect(spine(logical)).toEqual(['aggregate', 'filter', 'dataSource'])

    const steps = buildExecutionPlan(logical, identity).steps
    expect(steps.map((s) => s.kind)).toEqual(['filterV1', 'aggregateV1'])
    expect(steps[1]).toEqual({
      kind: 'aggregateV1',
      groupBy: [col('USER_ID')],
      aggregates: [{ name: 'COUNT', args: [], star: true }],
      window,
      having,
      keyColumns,
      valueColumns,
      emitFinal: true,
    })
  })

  it('plans a stream-table join as a join node whose right side becomes the join step’s source', () => {
    const joinedSchema: LogicalSchema = {
      key: [{ name: 'O_USER_ID', type: { kind: 'INTEGER' } }],
      value: [{ name: 'U_NAME', type: { kind: 'STRING' } }],
    }
    const query = analysis({
      alias: 'O',
      joins: [
        {
          kind: 'streamTable',
          joinType: 'LEFT',
          right: { source: USERS, alias: 'U' },
          leftKey: col('USER_ID'),
          schema: joinedSchema,
        },
      ],
      projection: {
        keyColumns: [{ name: 'O_USER_ID', expression: col('O_USER_ID') }],
        valueColumns: [{ name: 'U_NAME', expression: col('U_NAME') }],
      },
    })
    const logical = buildLogicalPlan(query)
    expect(spine(logical)).toEqual(['project', 'join', 'dataSource'])

    const plan = buildExecutionPlan(logical, identity)
    expect(plan.source).toMatchObject({ name: 'ORDERS', alias: 'O', sourceType: 'STREAM' })
    expect(plan.steps.map((s) => s.kind)).toEqual(['streamTableJoinV1', 'projectV1'])
    expect(plan.steps[0]).toEqual({
      kind: 'streamTableJoinV1',
      joinType: 'LEFT',
      right: expect.objectContaining({
        kind: 'sourceV1',
        name: 'USERS',
        alias: 'U',
        sourceType: 'TABLE',
        topic: 'users',
      }),
      leftKey: col('USER_ID'),
      schema: joinedSchema,
    })
  })

  it('plans WHERE, table functions then PARTITION BY as filter → flat map → repartition → project', () => {
    const explode = { name: 'EXPLODE', args: [col('TAGS')] }
    const where = gt(col('AMOUNT'), int(0))
    const query = analysis({
      where,
      tableFunctions: [explode],
      partitionBy: [col('USER_ID')],
      projection: {
        keyColumns: [{ name: 'USER_ID', expression: col('USER_ID') }],
        valueColumns: [{ name: 'TAG', expression: col('KSQL_SYNTH_0') }],
      },
    })
    const logical = buildLogicalPlan(query)
    expect(spine(logical)).toEqual(['project', 'repartition', 'flatMap', 'filter', 'dataSource'])

    const steps = buildExecutionPlan(logical, identity).steps
    expect(steps.map((s) => s.kind)).toEqual(['filterV1', 'flatMapV1', 'partitionByV1', 'projectV1'])
    expect(steps.slice(1, 3)).toEqual([
      { kind: 'flatMapV1', tableFunctions: [explode] },
      { kind: 'partitionByV1', keyExpressions: [col('USER_ID')] },
    ])
  })

  it('keeps PARTITION BY NULL (no key expressions) as a repartition step with none', () => {
    const logical = buildLogicalPlan(analysis({ partitionBy: [] }))
    expect(spine(logical)).toEqual(['project', 'repartition', 'dataSource'])
    expect(buildExecutionPlan(logical, identity).steps[0]).toEqual({
      kind: 'partitionByV1',
      keyExpressions: [],
    })
  })

  it('ends a persistent query in a sink node that becomes the plan’s sink step', () => {
    const target: SinkTarget = {
      name: 'OUT',
      topic: 'OUT',
      schema: ORDERS.schema,
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      formats: ORDERS.formats,
      window: null,
      isTable: false,
      timestampColumn: null,
      timestampFormat: null,
    }
    const logical = buildLogicalPlan(analysis({}), target)
    expect(spine(logical)).toEqual(['sink', 'project', 'dataSource'])
    const plan = buildExecutionPlan(logical, identity)
    expect(plan.sink).toEqual({ kind: 'sinkV1', ...target })
    expect(plan.steps.map((s) => s.kind)).toEqual(['projectV1'])
  })

  it('chains several joins in order, each over the rows of the one before', () => {
    const schema: LogicalSchema = { key: [{ name: 'K', type: { kind: 'INTEGER' } }], value: [] }
    const query = analysis({
      source: USERS,
      alias: 'A',
      joins: [
        { kind: 'tableTable', joinType: 'FULL', right: { source: USERS, alias: 'B' }, schema },
        {
          kind: 'foreignKey',
          joinType: 'INNER',
          right: { source: USERS, alias: 'C' },
          foreignKey: col('B_NAME'),
          schema,
        },
      ],
    })
    const steps = buildExecutionPlan(buildLogicalPlan(query), identity).steps
    expect(steps.map((s) => s.kind)).toEqual(['tableTableJoinV1', 'foreignKeyJoinV1', 'projectV1'])
    expect(steps[0]).toMatchObject({ joinType: 'FULL', right: { alias: 'B' } })
    expect(steps[1]).toMatchObject({ joinType: 'INNER', right: { alias: 'C' }, foreignKey: col('B_NAME') })
  })
})
