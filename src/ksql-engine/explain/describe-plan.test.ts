import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'
import { EngineError } from '../engine-error.ts'
import type { StatementResult } from '../engine-api.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

function engineWith(...statements: string[]) {
  const engine = createEngine(earliest)
  for (const s of statements) engine.execute(s, earliest)
  return engine
}

function description(result: StatementResult | undefined) {
  if (result?.kind !== 'queryDescription')
    throw new Error(`expected a query description, got ${result?.kind}`)
  return result.description
}

const CREATE =
  "CREATE STREAM S (ID STRING KEY, V INT, ARR ARRAY<BIGINT>) WITH (kafka_topic='s', value_format='JSON', partitions=1);"

describe('EXPLAIN', () => {
  it('describes a running query: plan text sink first, sources, sinks, fields and state', () => {
    const engine = engineWith(CREATE, 'CREATE STREAM OUT AS SELECT ID, V * 2 AS W FROM S WHERE V > 0;')
    const d = description(engine.execute('EXPLAIN CSAS_OUT_2;')[0])
    expect(d).toMatchObject({
      id: 'CSAS_OUT_2',
      statementText: 'CREATE STREAM OUT AS SELECT ID, V * 2 AS W FROM S WHERE V > 0;',
      sources: ['S'],
      sinks: ['OUT'],
      sinkKafkaTopics: ['OUT'],
      queryType: 'PERSISTENT',
      state: 'RUNNING',
      windowType: null,
    })
    expect(d.fields.map((f) => `${f.name} ${f.namespace}`)).toEqual(['ID KEY', 'W VALUE'])
    expect(d.executionPlan).toBe(
      ' > [ SINK ] | Schema: ID STRING KEY, W INTEGER | Logger: CSAS_OUT_2.OUT\n' +
        '\t\t > [ PROJECT ] | Schema: ID STRING KEY, W INTEGER | Logger: CSAS_OUT_2.Project\n' +
        '\t\t\t\t > [ FILTER ] | Schema: ID STRING KEY, V INTEGER, ARR ARRAY<BIGINT> | Logger: CSAS_OUT_2.WhereFilter\n' +
        '\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, V INTEGER, ARR ARRAY<BIGINT>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: CSAS_OUT_2.KsqlTopic.Source\n',
    )
    expect(d.topology).toContain('Source: KSTREAM-SOURCE-0000000000 (topics: [s])')
    expect(d.topology).toContain('Sink: OUT-sink (topic: OUT)')
  })

  it('describes the flatMap step of a table function and aggregates as GROUP_BY / AGGREGATE / PROJECT', () => {
    const engine = engineWith(
      CREATE,
      'CREATE STREAM X AS SELECT ID, EXPLODE(ARR) AS E FROM S;',
      'CREATE TABLE T AS SELECT ID, COUNT(*) AS N FROM S GROUP BY ID;',
    )
    expect(description(engine.execute('EXPLAIN CSAS_X_2;')[0]).executionPlan).toContain(
      ' > [ FLAT_MAP ] | Schema: ID STRING KEY, V INTEGER, ARR ARRAY<BIGINT>, KSQL_SYNTH_0 BIGINT | Logger: CSAS_X_2.FlatMap',
    )
    const ops = [
      ...description(engine.execute('EXPLAIN CTAS_T_3;')[0]).executionPlan.matchAll(/\[ (\w+) \]/g),
    ].map((m) => m[1])
    expect(ops).toEqual(['SINK', 'PROJECT', 'AGGREGATE', 'GROUP_BY', 'SOURCE'])
  })

  it('explains a statement without running it, and a SELECT as a push query', () => {
    const engine = engineWith(CREATE)
    const d = description(engine.execute('EXPLAIN CREATE STREAM Y AS SELECT * FROM S;')[0])
    expect(d).toMatchObject({ id: 'CSAS_Y_2', state: 'UNKNOWN', sinks: ['Y'] })
    expect(engine.queries()).toEqual([])
    // The id EXPLAIN shows is the one the statement gets when it runs.
    engine.execute('CREATE STREAM Y AS SELECT * FROM S;')
    expect(engine.queries().map((q) => q.id)).toEqual(['CSAS_Y_2'])
    const select = description(engine.execute('EXPLAIN SELECT ID FROM S EMIT CHANGES;')[0])
    expect(select).toMatchObject({ queryType: 'PUSH', sinks: [], sources: ['S'] })
    expect(select.executionPlan.startsWith(' > [ PROJECT ]')).toBe(true)
  })

  it("answers an unknown query id with ksqlDB's message", () => {
    const engine = engineWith(CREATE)
    let error: unknown
    try {
      engine.execute('EXPLAIN CSAS_NOPE_9;')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(EngineError)
    expect((error as EngineError).message).toBe(
      'Query with id:CSAS_NOPE_9 does not exist, use SHOW QUERIES to view the full set of queries.',
    )
  })
})
