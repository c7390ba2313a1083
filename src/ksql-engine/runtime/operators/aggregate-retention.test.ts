import { describe, expect, it } from 'vitest'
import { createEngine } from '../../engine.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

function engineWith(...statements: string[]) {
  const engine = createEngine(earliest)
  for (const s of statements) engine.execute(s, earliest)
  return engine
}

function produce(engine: ReturnType<typeof createEngine>, key: string, timestamp: number): void {
  engine.produce({ topic: 's', key: Buffer.from(key), value: json({ V: 1 }), timestamp })
}

/** [key, WINDOWSTART, count] of a pull query's rows. */
function pull(engine: ReturnType<typeof createEngine>, sql: string): unknown[][] {
  const [result] = engine.execute(sql)
  if (result?.kind !== 'queryRows') throw new Error(`expected rows, got ${result?.kind}`)
  return result.rows.map((r) => [r[0], r[1], r[3]])
}

const STREAM =
  "CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);"

describe('windowed aggregates: retention', () => {
  it('drops tumbling windows whose start is retention behind the newest window start', () => {
    const engine = engineWith(
      STREAM,
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 10 MILLISECONDS, RETENTION 30 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY id;',
    )
    for (const ts of [0, 15, 25]) produce(engine, 'a', ts)
    expect(pull(engine, 'SELECT * FROM t;')).toEqual([
      ['a', 0, 1],
      ['a', 10, 1],
      ['a', 20, 1],
    ])
    // Newest start 40: starts ≤ 40 - 30 have left the store.
    produce(engine, 'a', 40)
    expect(pull(engine, 'SELECT * FROM t;')).toEqual([
      ['a', 20, 1],
      ['a', 40, 1],
    ])
    expect(pull(engine, "SELECT * FROM t WHERE id = 'a' AND WINDOWSTART = 0;")).toEqual([])
    // A late record for an evicted window is dropped and logged, and does not bring it back.
    produce(engine, 'a', 5)
    expect(engine.processingLog().map((e) => e.message)).toEqual([
      expect.stringContaining('Skipping record for expired window. window=[0,10)'),
    ])
    expect(pull(engine, 'SELECT * FROM t;')).toEqual([
      ['a', 20, 1],
      ['a', 40, 1],
    ])
  })

  it('drops hopping windows past retention and keeps the newer ones updating', () => {
    const engine = engineWith(
      STREAM,
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW HOPPING (SIZE 20 MILLISECONDS, ADVANCE BY 10 MILLISECONDS, RETENTION 40 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY id;',
    )
    for (const ts of [5, 15, 25]) produce(engine, 'a', ts)
    produce(engine, 'b', 25)
    expect(pull(engine, "SELECT * FROM t WHERE id = 'a';")).toEqual([
      ['a', 0, 2],
      ['a', 10, 2],
      ['a', 20, 1],
    ])
    // Newest start 50: starts ≤ 10 are gone, for every key.
    produce(engine, 'a', 55)
    produce(engine, 'a', 59)
    expect(pull(engine, 'SELECT * FROM t;')).toEqual([
      ['a', 20, 1],
      ['a', 40, 2],
      ['a', 50, 2],
      ['b', 20, 1],
    ])
    // Newest start 60: b's window at 20 goes too, its new ones stay.
    produce(engine, 'b', 61)
    expect(pull(engine, "SELECT * FROM t WHERE id = 'b';")).toEqual([
      ['b', 50, 1],
      ['b', 60, 1],
    ])
  })

  it('keeps windows for size + grace by default (Kafka Streams window store default)', () => {
    const engine = engineWith(
      STREAM,
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY id;',
    )
    for (const ts of [0, 15]) produce(engine, 'a', ts)
    expect(pull(engine, 'SELECT * FROM t;').map((r) => r[1])).toEqual([0, 10])
    produce(engine, 'a', 20) // newest start 20: start 0 is 20 behind, which is more than 10 + 5
    expect(pull(engine, 'SELECT * FROM t;').map((r) => r[1])).toEqual([10, 20])
  })

  it('rejects a retention shorter than size + grace, as Kafka Streams does', () => {
    expect(() =>
      engineWith(
        STREAM,
        'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 10 MILLISECONDS, RETENTION 12 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY id;',
      ).execute('SELECT * FROM t;'),
    ).toThrow(/must be no smaller than its window size plus the grace period/)
  })

  it('forgets sessions past retention', () => {
    const engine = engineWith(
      STREAM,
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW SESSION (5 MILLISECONDS, RETENTION 20 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY id;',
    )
    produce(engine, 'a', 0)
    produce(engine, 'b', 10)
    expect(pull(engine, 'SELECT * FROM t;')).toEqual([
      ['a', 0, 1],
      ['b', 10, 1],
    ])
    produce(engine, 'b', 20) // session stream time 20: ends ≤ 0 are gone
    expect(pull(engine, 'SELECT * FROM t;')).toEqual([
      ['b', 10, 1],
      ['b', 20, 1],
    ])
  })
})
