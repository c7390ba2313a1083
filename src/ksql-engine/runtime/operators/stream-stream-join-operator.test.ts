import { describe, expect, it } from 'vitest'
import { createEngine } from '../../engine.ts'

// Cases marked "upstream" are ksqlDB's own (query-validation-tests/joins.json): same statements,
// same inputs, ksqlDB's expected rows.

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

const DDL = [
  "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);",
  "CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON', partitions=1);",
]

type Engine = ReturnType<typeof createEngine>

function engineWith(statement: string): Engine {
  const engine = createEngine(earliest)
  for (const s of [...DDL, statement]) engine.execute(s, earliest)
  return engine
}

function produce(engine: Engine, topic: string, id: number, value: unknown, timestamp: number): void {
  const key = Buffer.alloc(8)
  key.writeBigInt64BE(BigInt(id))
  engine.produce({ topic, key, value: Buffer.from(JSON.stringify(value)), timestamp })
}

const left = (e: Engine, id: number, name: string, value: number, ts: number): void =>
  produce(e, 'left_topic', id, { NAME: name, VALUE: value }, ts)
const right = (e: Engine, id: number, f1: string, f2: number, ts: number): void =>
  produce(e, 'right_topic', id, { F1: f1, F2: f2 }, ts)

function output(engine: Engine, topic: string) {
  return engine.records(topic).map((r) => ({
    key: r.key === null ? null : Number(r.key.readBigInt64BE(0)),
    value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
    timestamp: r.timestamp,
  }))
}

/** The inputs of upstream's "stream stream … join" cases. */
function upstreamInputs(e: Engine): void {
  left(e, 0, 'zero', 0, 0)
  right(e, 0, 'blah', 50, 10000)
  left(e, 10, '100', 5, 11000)
  left(e, 0, 'foo', 100, 13000)
  right(e, 0, 'a', 10, 15000)
  right(e, 100, 'newblah', 150, 16000)
  left(e, 90, 'ninety', 90, 17000)
  left(e, 0, 'bar', 99, 30000)
}

const joined = (name: string, value: number, f1: string, f2: number, timestamp: number) => ({
  key: 0,
  value: { NAME: name, VALUE: value, F1: f1, F2: f2 },
  timestamp,
})

describe('stream-stream join', () => {
  it('upstream "stream stream inner join": pairs within the window, at the later time', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT t.id as ID, name, value, f1, f2 FROM test t join TEST_STREAM tt WITHIN 11 SECONDS ON t.id = tt.id;',
    )
    upstreamInputs(e)
    expect(output(e, 'OUTPUT')).toEqual([
      joined('zero', 0, 'blah', 50, 10000),
      joined('foo', 100, 'blah', 50, 13000),
      joined('foo', 100, 'a', 10, 15000),
    ])
  })

  it('upstream "stream stream left join": no NULL row before the window closes (24 h default grace)', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;',
    )
    upstreamInputs(e)
    expect(output(e, 'OUTPUT')).toEqual([
      joined('zero', 0, 'blah', 50, 10000),
      joined('foo', 100, 'blah', 50, 13000),
      joined('foo', 100, 'a', 10, 15000),
    ])
  })

  it('upstream "stream stream outer join": a row already past its window end leaves at once', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT * FROM test t FULL OUTER join TEST_STREAM tt WITHIN 11 seconds on t.id = tt.id;',
    )
    left(e, 0, 'zero', 0, 0)
    right(e, 0, 'blah', 50, 10000)
    left(e, 10, '100', 5, 11000)
    left(e, 0, 'foo', 100, 13000)
    right(e, 0, 'a', 10, 15000)
    left(e, 0, 'bar', 99, 30000)
    left(e, 90, 'ninety', 90, 17000)
    right(e, 100, 'newblah', 150, 20000)
    const full = (
      t: [string, number] | null,
      tt: [string, number] | null,
      key: number,
      timestamp: number,
    ) => ({
      key,
      value: {
        T_ID: t === null ? null : key,
        T_NAME: t?.[0] ?? null,
        T_VALUE: t?.[1] ?? null,
        TT_ID: tt === null ? null : key,
        TT_F1: tt?.[0] ?? null,
        TT_F2: tt?.[1] ?? null,
      },
      timestamp,
    })
    expect(output(e, 'OUTPUT')).toEqual([
      full(['zero', 0], ['blah', 50], 0, 10000),
      full(['foo', 100], ['blah', 50], 0, 13000),
      full(['foo', 100], ['a', 10], 0, 15000),
      full(['ninety', 90], null, 90, 17000),
    ])
  })

  it('upstream "inner join with out of order messages": a late row still joins within retention', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t join TEST_STREAM tt WITHIN 10 seconds on t.id = tt.id;',
    )
    left(e, 0, 'zero', 0, 0)
    right(e, 0, 'blah', 50, 9999)
    left(e, 10, '100', 5, 11000)
    left(e, 0, 'foo', 100, 13000)
    right(e, 0, 'a', 10, 15000)
    right(e, 100, 'newblah', 150, 16000)
    left(e, 90, 'ninety', 90, 17000)
    left(e, 0, 'bar', 99, 30000)
    left(e, 0, 'late-message', 10000, 6000)
    expect(output(e, 'OUTPUT')).toEqual([
      joined('zero', 0, 'blah', 50, 9999),
      joined('foo', 100, 'blah', 50, 13000),
      joined('foo', 100, 'a', 10, 15000),
      joined('late-message', 10000, 'blah', 50, 9999),
      joined('late-message', 10000, 'a', 10, 15000),
    ])
  })

  it('upstream "different before and after windows": WITHIN (before, after) is relative to the left row', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t join TEST_STREAM tt WITHIN (11 seconds, 10 seconds) on t.id = tt.id;',
    )
    left(e, 0, 'zero', 0, 0)
    right(e, 0, 'blah', 50, 11000)
    left(e, 10, '100', 5, 12000)
    left(e, 0, 'foo', 100, 13000)
    right(e, 0, 'a', 10, 15000)
    right(e, 100, 'newblah', 150, 16000)
    left(e, 90, 'ninety', 90, 17000)
    left(e, 0, 'bar', 99, 30000)
    expect(output(e, 'OUTPUT')).toEqual([
      joined('foo', 100, 'blah', 50, 13000),
      joined('foo', 100, 'a', 10, 15000),
    ])
  })

  it('LEFT JOIN with GRACE PERIOD: a NULL row leaves only once stream time passes its window end + grace', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT t.id, name, f1 FROM test t LEFT JOIN TEST_STREAM tt WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON t.id = tt.id;',
    )
    left(e, 1, 'one', 0, 0)
    left(e, 4, 'four', 0, 10000)
    // Stream time 10000 = window end of row 1: still open.
    expect(output(e, 'OUTPUT')).toEqual([])
    left(e, 3, 'three', 0, 10001)
    expect(output(e, 'OUTPUT')).toEqual([{ key: 1, value: { NAME: 'one', F1: null }, timestamp: 0 }])
    left(e, 5, 'five', 0, 20000)
    // A right row moves the shared stream time too: 4 and 3 close; 5 finds its partner.
    right(e, 5, 'match', 0, 25000)
    left(e, 6, 'six', 0, 40000)
    expect(output(e, 'OUTPUT')).toEqual([
      { key: 1, value: { NAME: 'one', F1: null }, timestamp: 0 },
      { key: 4, value: { NAME: 'four', F1: null }, timestamp: 10000 },
      { key: 3, value: { NAME: 'three', F1: null }, timestamp: 10001 },
      { key: 5, value: { NAME: 'five', F1: 'match' }, timestamp: 25000 },
    ])
  })

  it('RIGHT JOIN: unmatched right rows leave when their window closes, unmatched left rows never', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT tt.id, name, f1 FROM test t RIGHT JOIN TEST_STREAM tt WITHIN 1 SECOND GRACE PERIOD 0 SECONDS ON t.id = tt.id;',
    )
    right(e, 1, 'r1', 0, 0)
    left(e, 2, 'l2', 0, 500)
    right(e, 3, 'r3', 0, 2000)
    expect(output(e, 'OUTPUT')).toEqual([{ key: 1, value: { NAME: null, F1: 'r1' }, timestamp: 0 }])
  })

  it('rows older than the window store retention (before + after + grace) no longer join', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT t.id, name, f1 FROM test t JOIN TEST_STREAM tt WITHIN 1 SECOND GRACE PERIOD 0 SECONDS ON t.id = tt.id;',
    )
    left(e, 1, 'one', 0, 0)
    left(e, 9, 'nine', 0, 3000)
    // Within 1 s of row 1, but the left store's time (3000) has expired it (retention 2 s).
    right(e, 1, 'late', 0, 500)
    right(e, 9, 'ok', 0, 3500)
    expect(output(e, 'OUTPUT')).toEqual([{ key: 9, value: { NAME: 'nine', F1: 'ok' }, timestamp: 3500 }])
  })

  it('upstream "wrapped single field": NULL columns join, records without value do not', () => {
    const e = createEngine(earliest)
    for (const s of [
      "CREATE STREAM S1 (ID BIGINT KEY, NAME STRING) WITH (kafka_topic='S1', value_format='JSON', partitions=1);",
      "CREATE STREAM S2 (ID BIGINT KEY, NAME STRING) WITH (kafka_topic='S2', value_format='JSON', partitions=1);",
      'CREATE STREAM OUTPUT as SELECT s1.id, s1.name name1, s2.name name2 FROM S1 JOIN S2 WITHIN 1 second ON s1.id = s2.id;',
    ])
      e.execute(s, earliest)
    produce(e, 'S1', 0, { NAME: 'a' }, 0)
    produce(e, 'S2', 0, { NAME: 'b' }, 10)
    produce(e, 'S1', 0, { ID: null }, 20)
    produce(e, 'S2', 0, { ID: null }, 30)
    expect(output(e, 'OUTPUT')).toEqual([
      { key: 0, value: { NAME1: 'a', NAME2: 'b' }, timestamp: 10 },
      { key: 0, value: { NAME1: null, NAME2: 'b' }, timestamp: 20 },
      { key: 0, value: { NAME1: 'a', NAME2: null }, timestamp: 30 },
      { key: 0, value: { NAME1: null, NAME2: null }, timestamp: 30 },
    ])
  })

  it('EXPLAIN shows the join as a KStream-KStream join step', () => {
    const e = engineWith(
      'CREATE STREAM OUTPUT as SELECT t.id, name, f1 FROM test t LEFT JOIN TEST_STREAM tt WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON t.id = tt.id;',
    )
    const id = e.queries().find((q) => q.sinks.includes('OUTPUT'))?.id ?? ''
    const [result] = e.execute(`EXPLAIN ${id};`)
    if (result?.kind !== 'queryDescription') throw new Error('expected a query description')
    expect(result.description.executionPlan).toContain('[ JOIN ]')
    expect(result.description.topology).toContain('KStream-KStream-Join')
  })
})
