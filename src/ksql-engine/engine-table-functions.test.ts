import { describe, expect, it } from 'vitest'
import { createEngine, type EmbeddedEngine } from './engine.ts'
import { EngineError } from './engine-error.ts'

/** Table functions end to end on the engine; expected rows are those of ksqlDB's own QTT cases. */
const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

function run(
  statements: readonly string[],
  inputs: readonly { key: string | null; value: unknown }[],
): { engine: EmbeddedEngine; out: { key: string | null; value: unknown }[] } {
  const engine = createEngine(earliest)
  for (const s of statements) engine.execute(s, earliest)
  for (const input of inputs) {
    engine.produce({
      topic: 'test_topic',
      key: input.key === null ? null : Buffer.from(input.key),
      value: Buffer.from(JSON.stringify(input.value)),
      timestamp: 0,
    })
  }
  const out = engine.records('OUTPUT').map((r) => ({
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
  }))
  return { engine, out }
}

function statementError(statements: readonly string[]): string {
  const engine = createEngine(earliest)
  try {
    for (const s of statements) engine.execute(s, earliest)
  } catch (error) {
    if (error instanceof EngineError) return error.message
    throw error
  }
  throw new Error('expected a statement error')
}

const ARRAY_STREAM =
  "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', value_format='JSON');"

describe('EXPLODE', () => {
  it('emits one row per element, none for an empty or NULL array, copying the other columns', () => {
    const { out } = run(
      [ARRAY_STREAM, 'CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR) VAL FROM TEST;'],
      [
        { key: '0', value: { MY_ARR: [1, 2] } },
        { key: '1', value: { MY_ARR: [] } },
        { key: '2', value: { MY_ARR: null } },
        { key: '3', value: { MY_ARR: [7] } },
      ],
    )
    expect(out).toEqual([
      { key: '0', value: { VAL: 1 } },
      { key: '0', value: { VAL: 2 } },
      { key: '3', value: { VAL: 7 } },
    ])
  })

  it('zips several table functions, padding the shorter lists with NULL, and names them KSQL_COL_n', () => {
    const { out } = run(
      [
        "CREATE STREAM TEST (ID STRING KEY, MY_ARR1 ARRAY<BIGINT>, MY_ARR2 ARRAY<BIGINT>) WITH (kafka_topic='test_topic', value_format='JSON');",
        'CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR1), EXPLODE(MY_ARR2) FROM TEST;',
      ],
      [
        { key: '0', value: { MY_ARR1: [1, 2], MY_ARR2: [10, 11, 12] } },
        { key: '1', value: { MY_ARR1: [3, 4], MY_ARR2: [20] } },
      ],
    )
    expect(out).toEqual([
      { key: '0', value: { KSQL_COL_0: 1, KSQL_COL_1: 10 } },
      { key: '0', value: { KSQL_COL_0: 2, KSQL_COL_1: 11 } },
      { key: '0', value: { KSQL_COL_0: null, KSQL_COL_1: 12 } },
      { key: '1', value: { KSQL_COL_0: 3, KSQL_COL_1: 20 } },
      { key: '1', value: { KSQL_COL_0: 4, KSQL_COL_1: null } },
    ])
  })

  it('counts generated names in SELECT order around scalar expressions', () => {
    const { out } = run(
      [
        "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<BIGINT>, F1 BIGINT, F2 BIGINT) WITH (kafka_topic='test_topic', value_format='JSON');",
        'CREATE STREAM OUTPUT AS SELECT ID, ABS(F1), EXPLODE(MY_ARR), ABS(F2) FROM TEST;',
      ],
      [{ key: '0', value: { F1: 1, F2: 2, MY_ARR: [1, 2] } }],
    )
    expect(out).toEqual([
      { key: '0', value: { KSQL_COL_0: 1, KSQL_COL_1: 1, KSQL_COL_2: 2 } },
      { key: '0', value: { KSQL_COL_0: 1, KSQL_COL_1: 2, KSQL_COL_2: 2 } },
    ])
  })

  it('explodes computed arrays and dereferences exploded structs, after the WHERE filter', () => {
    const computed = run(
      [
        "CREATE STREAM TEST (K STRING KEY, F0 INT, F1 INT, F2 INT, F3 INT) WITH (kafka_topic='test_topic', value_format='JSON');",
        'CREATE STREAM OUTPUT AS SELECT K, F0, EXPLODE(ARRAY[ABS(F1 + F2), ABS(F2 + F3), ABS(F3 + F1)]) FROM TEST WHERE F0 <> 1;',
      ],
      [
        { key: '0', value: { F0: 1, F1: 10, F2: 11, F3: 12 } },
        { key: '1', value: { F0: 2, F1: 10, F2: 11, F3: 12 } },
      ],
    )
    expect(computed.out).toEqual([
      { key: '1', value: { F0: 2, KSQL_COL_0: 21 } },
      { key: '1', value: { F0: 2, KSQL_COL_0: 23 } },
      { key: '1', value: { F0: 2, KSQL_COL_0: 22 } },
    ])
    const deref = run(
      [
        "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<STRUCT<F1 BIGINT>>) WITH (kafka_topic='test_topic', value_format='JSON');",
        'CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR)->F1 AS VAL FROM TEST;',
      ],
      [{ key: '0', value: { MY_ARR: [{ F1: 1 }, { F1: 2 }] } }],
    )
    expect(deref.out).toEqual([
      { key: '0', value: { VAL: 1 } },
      { key: '0', value: { VAL: 2 } },
    ])
  })

  it('keeps SELECT * columns beside the exploded value and types the sink column as the element', () => {
    const { engine, out } = run(
      [ARRAY_STREAM, 'CREATE STREAM OUTPUT AS SELECT *, EXPLODE(MY_ARR) VAL FROM TEST;'],
      [{ key: '0', value: { MY_ARR: [1, 2] } }],
    )
    expect(out).toEqual([
      { key: '0', value: { MY_ARR: [1, 2], VAL: 1 } },
      { key: '0', value: { MY_ARR: [1, 2], VAL: 2 } },
    ])
    const sink = engine.sources().find((s) => s.name === 'OUTPUT')
    expect(sink?.columns.map((c) => `${c.name} ${c.type.kind}`)).toEqual([
      'ID STRING',
      'MY_ARR ARRAY',
      'VAL BIGINT',
    ])
  })

  it('plans a serializable flatMapV1 step between the filter and the projection', () => {
    const { engine } = run(
      [ARRAY_STREAM, "CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR) VAL FROM TEST WHERE ID <> 'x';"],
      [],
    )
    const queryId = engine.queries()[0]?.id ?? ''
    const plan = engine.plan(queryId)
    expect(plan?.steps.map((s) => s.kind)).toEqual(['filterV1', 'flatMapV1', 'projectV1'])
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan)
  })

  it('logs a row whose table function argument fails and goes on with the next rows', () => {
    const engine = createEngine({ ...earliest })
    engine.execute(
      "CREATE STREAM TEST (K STRING KEY, F0 INT, F1 INT, F2 INT) WITH (kafka_topic='test_topic', value_format='JSON');",
      earliest,
    )
    engine.execute(
      'CREATE STREAM OUTPUT AS SELECT K, EXPLODE(GENERATE_SERIES(F0, F1, F2)) V FROM TEST;',
      earliest,
    )
    for (const [k, v] of [
      ['a', { F0: 1, F1: 2, F2: 1 }],
      ['b', { F0: 1, F1: 3, F2: 0 }],
      ['c', { F0: 5, F1: 5, F2: 1 }],
    ] as const) {
      engine.produce({
        topic: 'test_topic',
        key: Buffer.from(k),
        value: Buffer.from(JSON.stringify(v)),
        timestamp: 0,
      })
    }
    const out = engine.records('OUTPUT').map((r) => `${r.key?.toString() ?? ''}=${r.value?.toString() ?? ''}`)
    expect(out).toEqual(['a={"V":1}', 'a={"V":2}', 'c={"V":5}'])
    expect(engine.processingLog().map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('GENERATE_SERIES step cannot be zero')]),
    )
  })

  it('works in a push query', () => {
    const engine = createEngine(earliest)
    engine.execute(ARRAY_STREAM, earliest)
    engine.produce({
      topic: 'test_topic',
      key: Buffer.from('k'),
      value: Buffer.from('{"MY_ARR":[5,6]}'),
      timestamp: 0,
    })
    const [result] = engine.execute('SELECT ID, EXPLODE(MY_ARR) AS V FROM TEST EMIT CHANGES;', earliest)
    expect(result?.kind === 'queryRows' ? result.rows : null).toEqual([
      ['k', 5],
      ['k', 6],
    ])
  })
})

describe('table function statement errors', () => {
  it("rejects a map with ksqlDB's message and says how to explode one", () => {
    const message = statementError([
      "CREATE STREAM TEST (ID STRING KEY, MY_MAP MAP<STRING, INT>) WITH (kafka_topic='test_topic', value_format='JSON');",
      'CREATE STREAM OUTPUT AS SELECT EXPLODE(MY_MAP) FROM TEST;',
    ])
    expect(message).toContain(
      "Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\nValid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)",
    )
    expect(message).toContain('EXPLODE(ENTRIES(<map>, true))')
  })

  it('rejects aggregation, table sources, other clauses and nesting', () => {
    expect(
      statementError([
        "CREATE STREAM TEST (K STRING KEY, VAL INT, MY_MAP MAP<STRING, INT>) WITH (kafka_topic='test_topic', value_format='JSON');",
        'CREATE TABLE OUTPUT AS SELECT K, VAL, EXPLODE(MY_MAP), COUNT(*) FROM TEST GROUP BY VAL;',
      ]),
    ).toBe('Table functions cannot be used with aggregations.')
    expect(
      statementError([
        "CREATE TABLE TEST (K STRING PRIMARY KEY, ID BIGINT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', value_format='JSON');",
        'CREATE TABLE OUTPUT AS SELECT K, ID, EXPLODE(MY_ARR) VAL FROM TEST;',
      ]),
    ).toBe('Table source is not supported with table functions')
    expect(
      statementError([
        ARRAY_STREAM,
        'CREATE STREAM OUTPUT AS SELECT ID FROM TEST WHERE EXPLODE(MY_ARR) > 1;',
      ]),
    ).toContain('Table function EXPLODE can only be used in the SELECT list, not in the WHERE clause')
    expect(
      statementError([
        ARRAY_STREAM,
        'CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(GENERATE_SERIES(1, EXPLODE(MY_ARR))) FROM TEST;',
      ]),
    ).toContain('Table functions cannot be nested')
  })
})

describe('GENERATE_SERIES', () => {
  it('builds INT and BIGINT series with and without step, counting down when end < start', () => {
    const engine = createEngine(earliest)
    engine.execute(
      "CREATE STREAM TEST (ID STRING KEY, F0 INT, F1 INT, F2 INT, B0 BIGINT, B1 BIGINT) WITH (kafka_topic='test_topic', value_format='JSON');",
      earliest,
    )
    engine.execute(
      'CREATE STREAM OUTPUT AS SELECT ID, GENERATE_SERIES(F0, F1) A, GENERATE_SERIES(F0, F1, F2) B, GENERATE_SERIES(B0, B1) C, GENERATE_SERIES(B0, B1, F2) D FROM TEST;',
      earliest,
    )
    const produce = (v: object): void =>
      engine.produce({
        topic: 'test_topic',
        key: Buffer.from('1'),
        value: Buffer.from(JSON.stringify(v)),
        timestamp: 0,
      })
    produce({ F0: 4, F1: 0, F2: -3, B0: 3000000000, B1: 3000000002 })
    produce({ F0: 0, F1: 3, F2: -1, B0: 1, B1: 1 })
    const out = engine.records('OUTPUT').map((r) => JSON.parse(r.value?.toString() ?? 'null') as unknown)
    expect(out).toEqual([
      { A: [4, 3, 2, 1, 0], B: [4, 1], C: [3000000000, 3000000001, 3000000002], D: null },
      { A: [0, 1, 2, 3], B: null, C: [1], D: [1] },
    ])
  })
})
