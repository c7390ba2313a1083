import { describe, expect, it } from 'vitest'
import { createFunctionRegistry } from '../functions/registry.ts'
import { Metastore } from '../metastore/metastore.ts'
import { parseStatement } from '../parser/parser.ts'
import { analyzeQuery } from './analyze-query.ts'
import { testSource as source } from '../testing/test-source.ts'

const metastore = new Metastore(
  new Map([
    [
      'ORDERS',
      source('ORDERS', 'STREAM', {
        key: [{ name: 'ID', type: { kind: 'INTEGER' } }],
        value: [
          { name: 'USER_ID', type: { kind: 'INTEGER' } },
          { name: 'AMOUNT', type: { kind: 'DOUBLE' } },
        ],
      }),
    ],
    [
      'USERS',
      source('USERS', 'TABLE', {
        key: [{ name: 'ID', type: { kind: 'INTEGER' } }],
        value: [{ name: 'NAME', type: { kind: 'STRING' } }],
      }),
    ],
  ]),
)

/** Analyzes the query of `CREATE STREAM/TABLE OUT AS <select>`, as the statement handler does. */
function analyze(sql: string, sinkType: 'STREAM' | 'TABLE') {
  const { statement } = parseStatement({ text: sql, line: 1, column: 1 })
  if (statement.kind !== 'createAsSelect') throw new Error(`not a CREATE AS SELECT: ${sql}`)
  return analyzeQuery(statement.query, metastore, {
    functions: createFunctionRegistry(),
    sinkName: 'OUT',
    sinkType,
  })
}

const column = (name: string, qualifier: string | null = null) => ({ kind: 'column', qualifier, name })

describe('analyzeQuery: the resolved query as data, nothing executable', () => {
  it('states a filtered projection: WHERE, key and value columns with their names and types', () => {
    const analysis = analyze(
      'CREATE STREAM OUT AS SELECT ID, AMOUNT * 2 AS DOUBLED FROM ORDERS WHERE AMOUNT > 10;',
      'STREAM',
    )
    expect(analysis).toMatchObject({
      alias: 'ORDERS',
      joins: [],
      where: { kind: 'comparison', op: '>', left: column('AMOUNT') },
      tableFunctions: [],
      partitionBy: null,
      aggregation: null,
      emit: null,
      limit: null,
      projection: {
        keyColumns: [{ name: 'ID', expression: column('ID') }],
        valueColumns: [{ name: 'DOUBLED', expression: { kind: 'arith', op: '*' } }],
      },
      schema: {
        key: [{ name: 'ID', type: { kind: 'INTEGER' } }],
        value: [{ name: 'DOUBLED', type: { kind: 'DOUBLE' } }],
      },
    })
    expect(analysis).not.toHaveProperty('steps')
    expect(analysis).not.toHaveProperty('sourceStep')
  })

  it('states a windowed aggregation with HAVING, its window and the aggregate calls', () => {
    const analysis = analyze(
      'CREATE TABLE OUT AS SELECT USER_ID, COUNT(*) AS N FROM ORDERS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USER_ID HAVING COUNT(*) > 1 EMIT FINAL;',
      'TABLE',
    )
    expect(analysis.aggregation).toMatchObject({
      groupBy: [column('USER_ID')],
      aggregates: [{ name: 'COUNT', star: true }],
      window: { type: 'TUMBLING', sizeMs: 60_000 },
      having: { kind: 'comparison', op: '>' },
      emitFinal: true,
    })
    expect(analysis).toMatchObject({
      isAggregate: true,
      isTable: true,
      window: { type: 'TUMBLING', sizeMs: 60_000 },
    })
  })

  it('states a stream-table join: the right source, its alias, the lookup key and the joined schema', () => {
    const analysis = analyze(
      'CREATE STREAM OUT AS SELECT O.USER_ID, U.NAME FROM ORDERS O JOIN USERS U ON O.USER_ID = U.ID;',
      'STREAM',
    )
    expect(analysis.alias).toBe('O')
    expect(analysis.source.name).toBe('ORDERS')
    expect(analysis.joins).toHaveLength(1)
    expect(analysis.joins[0]).toMatchObject({
      kind: 'streamTable',
      joinType: 'INNER',
      right: { alias: 'U', source: { name: 'USERS' } },
      leftKey: column('USER_ID'),
    })
    expect(analysis.projection.valueColumns.map((c) => c.name)).toEqual(['NAME'])
  })

  it('states EMIT and LIMIT of a push query', () => {
    const { statement } = parseStatement({
      text: 'SELECT * FROM ORDERS EMIT CHANGES LIMIT 3;',
      line: 1,
      column: 1,
    })
    if (statement.kind !== 'select') throw new Error('not a SELECT')
    const analysis = analyzeQuery(statement.query, metastore, {
      functions: createFunctionRegistry(),
      sinkName: 'ORDERS',
      sinkType: null,
    })
    expect(analysis).toMatchObject({ emit: 'CHANGES', limit: 3 })
  })

  it('states PARTITION BY as the new key expressions', () => {
    const analysis = analyze(
      'CREATE STREAM OUT AS SELECT USER_ID, AMOUNT FROM ORDERS PARTITION BY USER_ID;',
      'STREAM',
    )
    expect(analysis.partitionBy).toEqual([column('USER_ID')])
    expect(analysis.projection.keyColumns).toEqual([{ name: 'USER_ID', expression: column('USER_ID') }])
  })

  it('states the table functions of the SELECT list and reads their values as synthetic columns', () => {
    const ms = metastore.copy()
    ms.put(
      source('TAGGED', 'STREAM', {
        key: [{ name: 'ID', type: { kind: 'INTEGER' } }],
        value: [{ name: 'TAGS', type: { kind: 'ARRAY', element: { kind: 'STRING' } } }],
      }),
    )
    const { statement } = parseStatement({
      text: 'CREATE STREAM OUT AS SELECT ID, EXPLODE(TAGS) AS TAG FROM TAGGED;',
      line: 1,
      column: 1,
    })
    if (statement.kind !== 'createAsSelect') throw new Error('not a CREATE AS SELECT')
    const analysis = analyzeQuery(statement.query, ms, {
      functions: createFunctionRegistry(),
      sinkName: 'OUT',
      sinkType: 'STREAM',
    })
    expect(analysis.tableFunctions).toEqual([{ name: 'EXPLODE', args: [column('TAGS')] }])
    expect(analysis.projection.valueColumns).toEqual([{ name: 'TAG', expression: column('KSQL_SYNTH_0') }])
  })
})
