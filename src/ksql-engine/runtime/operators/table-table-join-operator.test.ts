import { describe, expect, it } from 'vitest'
import { bigintKey, engineWith as engineOver, type Engine } from '../../testing/join-test-engine.ts'

const DDL = [
  "CREATE TABLE t1 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='T1', key_format='KAFKA', value_format='JSON', partitions=1);",
  "CREATE TABLE t2 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='T2', key_format='KAFKA', value_format='JSON', partitions=1);",
]

function engineWith(...statements: string[]): Engine {
  return engineOver(DDL, ...statements)
}

/** The input sequence of ksqlDB's corpus cases 'on join' / 'sum int left join of table'. */
function produceCorpusInputs(engine: Engine): void {
  const inputs: [string, number, { total: number } | null][] = [
    ['T1', 0, { total: 100 }],
    ['T1', 1, { total: 101 }],
    ['T2', 0, { total: 5 }],
    ['T2', 1, { total: 10 }],
    ['T2', 0, { total: 20 }],
    ['T2', 0, null],
  ]
  inputs.forEach(([topic, key, value], i) =>
    engine.produce({
      topic,
      key: bigintKey(key),
      value: value === null ? null : Buffer.from(JSON.stringify(value)),
      timestamp: i,
    }),
  )
}

function output(engine: Engine, topic: string) {
  return engine.records(topic).map((r) => ({
    key: r.key === null ? null : Number(r.key.readBigInt64BE(0)),
    value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
  }))
}

describe('table-table join on the primary key', () => {
  it('LEFT JOIN feeding an aggregate retracts the previous result per key (corpus: on join)', () => {
    const engine = engineWith(
      'CREATE TABLE output AS SELECT t1.id, SUM(t1.total + CASE WHEN t2.total IS NULL THEN 0 ELSE t2.total END) AS sum FROM t1 LEFT JOIN t2 ON (t1.id = t2.id) GROUP BY t1.id HAVING COUNT(1) > 0;',
    )
    produceCorpusInputs(engine)
    expect(output(engine, 'OUTPUT').map((r) => [r.key, r.value])).toEqual([
      [0, { SUM: 100 }],
      [1, { SUM: 101 }],
      [0, { SUM: 105 }],
      [1, { SUM: 111 }],
      [0, { SUM: 120 }],
      [0, { SUM: 100 }],
    ])
  })

  it('LEFT JOIN: SUM over the right side sees NULL while it is missing (corpus: sum int left join of table)', () => {
    const engine = engineWith(
      'CREATE TABLE output AS SELECT t1.id, SUM(t2.total) AS sum FROM t1 LEFT JOIN t2 ON (t1.id = t2.id) GROUP BY t1.id;',
    )
    produceCorpusInputs(engine)
    expect(output(engine, 'OUTPUT').map((r) => r.value)).toEqual([
      { SUM: 0 },
      { SUM: 0 },
      { SUM: 5 },
      { SUM: 10 },
      { SUM: 20 },
      { SUM: 0 },
    ])
  })

  it('INNER emits only while both rows exist, a tombstone when the match ends', () => {
    const engine = engineWith(
      'CREATE TABLE j AS SELECT t1.id, t1.total AS a, t2.total AS b FROM t1 JOIN t2 ON t1.id = t2.id;',
    )
    produceCorpusInputs(engine)
    expect(output(engine, 'J')).toEqual([
      { key: 0, value: { A: 100, B: 5 } },
      { key: 1, value: { A: 101, B: 10 } },
      { key: 0, value: { A: 100, B: 20 } },
      { key: 0, value: null },
    ])
  })

  it('RIGHT and FULL OUTER: keyed by the right column and by a synthetic ROWKEY', () => {
    const engine = engineWith(
      'CREATE TABLE r AS SELECT t2.id, t1.total AS a, t2.total AS b FROM t1 RIGHT JOIN t2 ON t1.id = t2.id;',
      'CREATE TABLE f AS SELECT ROWKEY, t1.total AS a, t2.total AS b FROM t1 FULL OUTER JOIN t2 ON t1.id = t2.id;',
    )
    engine.produce({ topic: 'T2', key: bigintKey(7), value: Buffer.from('{"total":1}'), timestamp: 0 })
    engine.produce({ topic: 'T1', key: bigintKey(8), value: Buffer.from('{"total":2}'), timestamp: 1 })
    engine.produce({ topic: 'T1', key: bigintKey(7), value: Buffer.from('{"total":3}'), timestamp: 2 })
    engine.produce({ topic: 'T2', key: bigintKey(7), value: null, timestamp: 3 })
    expect(output(engine, 'R')).toEqual([
      { key: 7, value: { A: null, B: 1 } },
      { key: 7, value: { A: 3, B: 1 } },
      { key: 7, value: null },
    ])
    expect(output(engine, 'F')).toEqual([
      { key: 7, value: { A: null, B: 1 } },
      { key: 8, value: { A: 2, B: null } },
      { key: 7, value: { A: 3, B: 1 } },
      { key: 7, value: { A: 3, B: null } },
    ])
    const columns = (name: string) =>
      engine
        .sources()
        .find((s) => s.name === name)
        ?.columns.filter((c) => c.namespace === 'KEY')
        .map((c) => c.name)
    expect([columns('R'), columns('F')]).toEqual([['T2_ID'], ['ROWKEY']])
  })
})
