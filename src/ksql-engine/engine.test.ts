import { describe, expect, it } from 'vitest'
import { createEngine } from './engine.ts'
import { EngineError } from './engine-error.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

function engineWith(...statements: string[]) {
  const engine = createEngine(earliest)
  for (const s of statements) engine.execute(s, earliest)
  return engine
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))
const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))
const values = (engine: ReturnType<typeof createEngine>, topic: string) =>
  engine.records(topic).map((r) => (r.value === null ? null : JSON.parse(r.value.toString('utf8'))))

function errorOf(fn: () => unknown): EngineError {
  try {
    fn()
  } catch (error) {
    if (error instanceof EngineError) return error
    throw error
  }
  throw new Error('expected an EngineError')
}

describe('createEngine: stateless queries', () => {
  it('runs a CSAS with WHERE and projection, upper-casing names and matching JSON fields case-insensitively', () => {
    const engine = engineWith(
      "CREATE STREAM orders (id STRING KEY, amount DOUBLE, loc STRUCT<city STRING>) WITH (kafka_topic='orders', value_format='JSON', partitions=1);",
      'CREATE STREAM big AS SELECT id, amount * 2 AS doubled, loc->city, UCASE(loc->city) FROM orders WHERE amount > 10;',
    )
    engine.produce({
      topic: 'orders',
      key: Buffer.from('a'),
      value: json({ AMOUNT: 5, loc: { city: 'x' } }),
      timestamp: 1,
    })
    engine.produce({
      topic: 'orders',
      key: Buffer.from('b'),
      value: json({ amount: 20, LOC: { CITY: 'paris' } }),
      timestamp: 2,
    })
    const out = engine.records('BIG')
    expect(out).toHaveLength(1)
    expect(text(out[0]?.key ?? null)).toBe('b')
    expect(out[0]?.timestamp).toBe(2)
    expect(values(engine, 'BIG')).toEqual([{ DOUBLED: 40, CITY: 'paris', KSQL_COL_0: 'PARIS' }])
  })

  it('sends undeserializable records to the processing log and keeps running', () => {
    const engine = engineWith(
      "CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE STREAM o AS SELECT * FROM s;',
    )
    engine.produce({ topic: 's', key: null, value: Buffer.from('{not json'), timestamp: 0 })
    engine.produce({ topic: 's', key: null, value: json({ V: 1 }), timestamp: 0 })
    expect(values(engine, 'O')).toEqual([{ V: 1 }])
    expect(engine.processingLog()).toHaveLength(1)
    expect(engine.processingLog()[0]?.queryId).toMatch(/^CSAS_O_\d+$/)
  })

  it('re-keys with PARTITION BY and writes DELIMITED values in column order', () => {
    const engine = engineWith(
      "CREATE STREAM t (k STRING KEY, id BIGINT, name STRING, v BIGINT) WITH (kafka_topic='t', value_format='DELIMITED', partitions=1);",
      'CREATE STREAM r AS SELECT * FROM t PARTITION BY name;',
    )
    engine.produce({ topic: 't', key: Buffer.from('1'), value: Buffer.from('0,zero,50'), timestamp: 0 })
    expect(engine.records('R').map((r) => [text(r.key), text(r.value)])).toEqual([['zero', '0,50,1']])
  })
})

describe('createEngine: aggregations', () => {
  it('emits every update of a GROUP BY and keys the table by the grouping column', () => {
    const engine = engineWith(
      "CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c, SUM(v) AS total FROM s GROUP BY id;',
    )
    for (const v of [1, 2, 3])
      engine.produce({ topic: 's', key: Buffer.from('a'), value: json({ V: v }), timestamp: v })
    expect(values(engine, 'T')).toEqual([
      { C: 1, TOTAL: 1 },
      { C: 2, TOTAL: 3 },
      { C: 3, TOTAL: 6 },
    ])
    expect(engine.records('T').map((r) => r.timestamp)).toEqual([1, 2, 3])
  })

  it('writes windowed keys as key bytes + 8-byte big-endian window start', () => {
    const engine = engineWith(
      "CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY id;',
    )
    const key = Buffer.alloc(4)
    key.writeInt32BE(7)
    engine.produce({ topic: 's', key, value: json({ V: 1 }), timestamp: 45_000 })
    const out = engine.records('T')[0]
    expect(out?.key?.length).toBe(12)
    expect(out?.key?.readInt32BE(0)).toBe(7)
    expect(Number(out?.key?.readBigInt64BE(4))).toBe(30_000)
  })

  it('emits a tombstone when a group stops satisfying HAVING', () => {
    const engine = engineWith(
      "CREATE TABLE src (id STRING PRIMARY KEY, grp STRING) WITH (kafka_topic='src', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT grp, COUNT(*) AS c FROM src GROUP BY grp HAVING COUNT(*) > 0;',
    )
    engine.produce({ topic: 'src', key: Buffer.from('1'), value: json({ GRP: 'g' }), timestamp: 0 })
    engine.produce({ topic: 'src', key: Buffer.from('1'), value: null, timestamp: 1 })
    expect(values(engine, 'T')).toEqual([{ C: 1 }, null])
  })

  it('retracts the prior row of a table source (counts go down, not tombstones)', () => {
    const engine = engineWith(
      "CREATE TABLE src (id STRING PRIMARY KEY, grp STRING) WITH (kafka_topic='src', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT grp, COUNT(*) AS c FROM src GROUP BY grp;',
    )
    engine.produce({ topic: 'src', key: Buffer.from('1'), value: json({ GRP: 'a' }), timestamp: 0 })
    engine.produce({ topic: 'src', key: Buffer.from('1'), value: json({ GRP: 'b' }), timestamp: 1 })
    expect(engine.records('T').map((r) => [text(r.key), text(r.value)])).toEqual([
      ['a', '{"C":1}'],
      ['a', '{"C":0}'],
      ['b', '{"C":1}'],
    ])
  })

  it('merges session windows: tombstones for the old sessions, then the merged session', () => {
    const engine = engineWith(
      "CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW SESSION (10 SECONDS) GROUP BY id;',
    )
    engine.produce({ topic: 's', key: Buffer.from('a'), value: json({ V: 1 }), timestamp: 0 })
    engine.produce({ topic: 's', key: Buffer.from('a'), value: json({ V: 1 }), timestamp: 5_000 })
    const windows = engine.records('T').map((r) => {
      const k = r.key as Buffer
      return [Number(k.readBigInt64BE(k.length - 8)), Number(k.readBigInt64BE(k.length - 16)), text(r.value)]
    })
    expect(windows).toEqual([
      [0, 0, '{"C":1}'],
      [0, 0, null],
      [0, 5_000, '{"C":2}'],
    ])
  })

  it('warns when grouping by a masked column', () => {
    const engine = engineWith(
      "CREATE STREAM s (id STRING KEY, user_id STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT MASK(user_id) AS u, COUNT(*) AS c FROM s GROUP BY MASK(user_id);',
    )
    expect(engine.warnings().join('\n')).toMatch(/masked value/)
    const [result] = engine.execute(
      'CREATE TABLE t2 AS SELECT MASK_LEFT(user_id, 4) AS u, COUNT(*) AS c FROM s GROUP BY MASK_LEFT(user_id, 4);',
    )
    expect(result).toMatchObject({ kind: 'sourceCreated', warnings: [expect.stringContaining('MASK_LEFT')] })
  })
})

describe('createEngine: statement errors use ksqlDB wording', () => {
  const ddl =
    "CREATE STREAM s (id INT KEY, f1 INT, f2 INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);"

  it.each([
    [
      'CREATE TABLE o AS SELECT f1, COUNT(*) FROM s GROUP BY f1, f2;',
      'must include the grouping expression F2 in its projection',
    ],
    [
      'CREATE TABLE o AS SELECT f1, f2, COUNT(*) FROM s GROUP BY f1;',
      'Non-aggregate SELECT expression(s) not part of GROUP BY: F2',
    ],
    [
      'CREATE TABLE o AS SELECT f1, SUM(COUNT(*)) FROM s GROUP BY f1;',
      'Aggregate functions can not be nested: SUM(COUNT(*))',
    ],
    [
      'CREATE TABLE o AS SELECT f1, f2, COUNT(*) FROM s GROUP BY f1, f2;',
      "The 'KAFKA' format only supports a single field",
    ],
    [
      'CREATE STREAM o AS SELECT id, WONT_FIND_ME(f1) FROM s;',
      "Can't find any functions with the name 'WONT_FIND_ME'",
    ],
    ['CREATE STREAM o AS SELECT f1 FROM s;', 'must include the key column ID in its projection'],
    [
      "CREATE STREAM s (id INT KEY) WITH (kafka_topic='s', value_format='JSON');",
      "Cannot add stream 'S': A stream with the same name already exists",
    ],
  ])('%s', (statement, message) => {
    const engine = engineWith(ddl)
    const error = errorOf(() => engine.execute(statement, earliest))
    expect(error.info.message).toContain(message)
    expect(error.info.statementText).toBe(statement)
  })

  it('validates the whole batch before executing anything', () => {
    const engine = createEngine(earliest)
    const error = errorOf(() => engine.execute(`${ddl} CREATE STREAM o AS SELECT id, nope FROM s;`, earliest))
    expect(error.info.kind).toBe('statement')
    expect(engine.sources()).toEqual([])
  })

  it('rejects invalid joins with ksqlDB wording (a stream-stream join needs WITHIN)', () => {
    const engine = engineWith(
      ddl,
      "CREATE STREAM s2 (id INT KEY, f1 INT, f2 INT) WITH (kafka_topic='s2', value_format='JSON', partitions=1);",
    )
    expect(
      errorOf(() =>
        engine.execute(
          'CREATE STREAM j AS SELECT * FROM s JOIN s2 WITHIN 1 DAY ON s.id = s2.id AND s.f1 = s2.f1;',
        ),
      ).info.message,
    ).toBe(
      'Invalid join condition: joins on multiple conditions are not yet supported. Got ((S.ID = S2.ID) AND (S.F1 = S2.F1)).',
    )
    expect(
      errorOf(() => engine.execute('CREATE STREAM j AS SELECT * FROM s JOIN s2 ON s.id = s2.id;')).info
        .message,
    ).toBe(
      'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
    )
  })

  it('holds windowed results until the window closes with EMIT FINAL', () => {
    const engine = engineWith(
      "CREATE STREAM i (id STRING KEY, v INT) WITH (kafka_topic='i', value_format='JSON', partitions=1);",
      'CREATE TABLE o AS SELECT id, COUNT(*) AS c FROM i WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY id EMIT FINAL;',
    )
    engine.produce({ topic: 'i', key: Buffer.from('k'), value: json({ V: 1 }), timestamp: 0 })
    engine.produce({ topic: 'i', key: Buffer.from('k'), value: json({ V: 1 }), timestamp: 1 })
    expect(engine.records('O')).toHaveLength(0)
    engine.produce({ topic: 'i', key: Buffer.from('k'), value: json({ V: 1 }), timestamp: 2 })
    expect(values(engine, 'O')).toEqual([{ C: 2 }])
  })

  it('reports unsupported statements distinctly', () => {
    const error = errorOf(() =>
      createEngine().execute("CREATE STREAM s (a INT) WITH (kafka_topic='s', value_format='AVRO');"),
    )
    expect(error.info.kind).toBe('unsupported')
    expect(error.info.message).toContain('not supported by the embedded engine: AVRO format')
  })
})

describe('createEngine: execution plans', () => {
  it('keeps each persistent query as JSON-serializable plan data', () => {
    const engine = engineWith(
      "CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT id, SUM(v) AS total FROM s WINDOW TUMBLING (SIZE 1 MINUTE) WHERE v > 0 GROUP BY id;',
    )
    const id = engine.queries()[0]?.id as string
    const plan = engine.plan(id)
    expect(plan).toBeDefined()
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan)
    expect(plan?.steps.map((s) => s.kind)).toEqual(['filterV1', 'aggregateV1'])
    expect(plan?.sink).toMatchObject({ topic: 'T', window: { type: 'TUMBLING', sizeMs: 60_000 } })
  })
})

describe('createEngine: administration', () => {
  it('lists, describes, drops with dependency checks and terminates', () => {
    const engine = engineWith(
      "CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE STREAM o AS SELECT * FROM s;',
    )
    const [streams] = engine.execute('SHOW STREAMS;')
    expect(streams).toMatchObject({ kind: 'listing', what: 'STREAMS', rows: [{ name: 'S' }, { name: 'O' }] })
    expect(errorOf(() => engine.execute('DROP STREAM s;')).info.message).toContain(
      'The following streams and/or tables read from this source: [O]',
    )
    const queryId = engine.queries()[0]?.id as string
    expect(engine.execute('DROP STREAM o;')[0]).toMatchObject({ kind: 'sourceDropped' })
    expect(engine.queries().map((q) => q.id)).not.toContain(queryId)
    expect(engine.execute('DROP STREAM IF EXISTS o;')[0]).toMatchObject({
      message: 'Source O does not exist.',
    })
    expect(engine.execute('DESCRIBE s;')[0]).toMatchObject({
      kind: 'description',
      source: { name: 'S', keyFormat: 'KAFKA' },
    })
  })

  it('substitutes DEFINEd variables in later statements of the same request', () => {
    const engine = createEngine()
    engine.execute(
      "DEFINE t = 'orders'; CREATE STREAM s (id INT KEY) WITH (kafka_topic='${t}', value_format='JSON', partitions=1);",
    )
    expect(engine.sources()[0]?.topic).toBe('orders')
  })

  it('answers pull queries from the materialized table', () => {
    const engine = engineWith(
      "CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s GROUP BY id;',
    )
    for (const k of ['a', 'a', 'b'])
      engine.produce({ topic: 's', key: Buffer.from(k), value: json({ V: 1 }), timestamp: 0 })
    const [result] = engine.execute("SELECT * FROM t WHERE id = 'a';")
    expect(result).toMatchObject({ kind: 'queryRows', rows: [['a', 2]] })
  })
})
