import { describe, expect, it } from 'vitest'
import { EARLIEST as earliest, bigintKey, engineWith, type Engine } from '../testing/join-test-engine.ts'

const STREAM_TABLE_TABLE = [
  "CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='left', key_format='KAFKA', value_format='JSON', partitions=1);",
  "CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='KAFKA', value_format='JSON', partitions=1);",
  "CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='KAFKA', value_format='JSON', partitions=1);",
]

const TABLES = [
  "CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', key_format='KAFKA', value_format='JSON', partitions=1);",
  "CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', key_format='KAFKA', value_format='JSON', partitions=1);",
  "CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', key_format='KAFKA', value_format='JSON', partitions=1);",
]

function intKey(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

function produce(
  engine: Engine,
  key: (n: number) => Buffer,
  inputs: readonly [topic: string, key: number, value: Record<string, unknown> | null, timestamp: number][],
): void {
  for (const [topic, k, value, timestamp] of inputs)
    engine.produce({
      topic,
      key: key(k),
      value: value === null ? null : Buffer.from(JSON.stringify(value)),
      timestamp,
    })
}

function output(engine: Engine, read: (b: Buffer) => number) {
  return engine.records('OUTPUT').map((r) => ({
    key: r.key === null ? null : read(r.key),
    value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
    timestamp: r.timestamp,
  }))
}

const schemaOf = (engine: Engine) =>
  engine
    .sources()
    .find((s) => s.name === 'OUTPUT')
    ?.columns.map((c) => `${c.name} ${c.type.kind}${c.namespace === 'KEY' ? ' KEY' : ''}`)

function error(engine: Engine, statement: string): string {
  try {
    engine.execute(statement, earliest)
  } catch (e) {
    return (e as Error).message
  }
  return 'no error'
}

// Scenarios and expected rows of ksqlDB's multi-join and fk-n-way-join query-validation tests.
describe('N-way joins', () => {
  it('stream-table-table LEFT-LEFT: each table looked up as the stream row arrives', () => {
    const engine = engineWith(
      STREAM_TABLE_TABLE,
      'CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.ID = T3.ID;',
    )
    produce(engine, intKey, [
      ['left', 0, { V0: 1 }, 9],
      ['right', 0, { V0: 2 }, 10],
      ['left', 0, { V0: 1 }, 11],
      ['right2', 0, { V0: 3 }, 12],
      ['left', 0, { V0: 1 }, 13],
    ])
    expect(output(engine, (b) => b.readInt32BE(0))).toEqual([
      { key: 0, value: { S1_V0: 1, T2_V0: null, T3_V0: null }, timestamp: 9 },
      { key: 0, value: { S1_V0: 1, T2_V0: 2, T3_V0: null }, timestamp: 11 },
      { key: 0, value: { S1_V0: 1, T2_V0: 2, T3_V0: 3 }, timestamp: 13 },
    ])
    expect(schemaOf(engine)).toEqual(['S1_ID INTEGER KEY', 'S1_V0 BIGINT', 'T2_V0 BIGINT', 'T3_V0 BIGINT'])
  })

  it('stream-table-table INNER-INNER re-keyed by different expressions, keyed by the selected one', () => {
    const engine = engineWith(
      STREAM_TABLE_TABLE,
      'CREATE STREAM OUTPUT as SELECT T3.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K - 1 = T2.ID JOIN T3 ON S1.K + 1 = T3.ID;',
    )
    produce(engine, intKey, [
      ['right2', 3, { V0: 3 }, 10],
      ['right', 1, { V0: 2 }, 11],
      ['left', 0, { K: 2, V0: 1 }, 12],
      ['left', 0, { K: 5, V0: 1 }, 13],
    ])
    expect(output(engine, (b) => b.readInt32BE(0))).toEqual([
      { key: 3, value: { S1_V0: 1, T2_V0: 2, T3_V0: 3 }, timestamp: 12 },
    ])
    expect(schemaOf(engine)?.[0]).toBe('T3_ID INTEGER KEY')
  })

  it('SELECT * lists each source key first; qualified stars pick a source', () => {
    const engine = engineWith(
      STREAM_TABLE_TABLE,
      'CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;',
      'CREATE STREAM OTHER as SELECT s1.*, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;',
    )
    produce(engine, intKey, [
      ['right2', 0, { V0: 3 }, 10],
      ['right', 0, { V0: 2 }, 11],
      ['left', 0, { K: 7, V0: 1 }, 12],
    ])
    expect(schemaOf(engine)).toEqual([
      'S1_ID INTEGER KEY',
      'S1_K INTEGER',
      'S1_V0 BIGINT',
      'T2_ID INTEGER',
      'T2_V0 BIGINT',
      'T3_ID INTEGER',
      'T3_V0 BIGINT',
    ])
    expect(output(engine, (b) => b.readInt32BE(0))[0]?.value).toEqual({
      S1_K: 7,
      S1_V0: 1,
      T2_ID: 0,
      T2_V0: 2,
      T3_ID: 0,
      T3_V0: 3,
    })
    expect(
      engine.records('OTHER').map((r) => JSON.parse(r.value?.toString('utf8') ?? 'null') as unknown),
    ).toEqual([{ S1_K: 7, S1_V0: 1, T3_V0: 3 }])
  })

  it('a foreign-key join may start a chain of table joins (ksqlDB: fk-n-way-join)', () => {
    const engine = engineWith(
      TABLES,
      'CREATE TABLE output AS SELECT l_id, m_id, foreign_key, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;',
    )
    produce(engine, bigintKey, [
      ['middle_topic', 0, { F2: 100, OTHER: 'unused' }, 0],
      ['left_topic', 1, { FOREIGN_KEY: 0 }, 10000],
      ['right_topic', 1, { F3: 4 }, 11000],
      ['middle_topic', 8, { F2: 10, OTHER: 'unused' }, 13000],
      ['left_topic', 1, { FOREIGN_KEY: 8 }, 16000],
      ['left_topic', 1, null, 18000],
    ])
    expect(output(engine, (b) => Number(b.readBigInt64BE(0)))).toEqual([
      { key: 1, value: { M_ID: 0, FOREIGN_KEY: 0, F2: 100, F3: null }, timestamp: 10000 },
      { key: 1, value: { M_ID: 0, FOREIGN_KEY: 0, F2: 100, F3: 4 }, timestamp: 11000 },
      { key: 1, value: { M_ID: 8, FOREIGN_KEY: 8, F2: 10, F3: 4 }, timestamp: 16000 },
      { key: 1, value: null, timestamp: 18000 },
    ])
    expect(schemaOf(engine)?.[0]).toBe('L_ID BIGINT KEY')
  })

  it('refuses what ksqlDB refuses, with its errors', () => {
    const engine = engineWith([...STREAM_TABLE_TABLE, ...TABLES])
    expect(
      error(
        engine,
        'CREATE STREAM o1 as SELECT s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;',
      ),
    ).toBe(
      'Key missing from projection. See https://cnfl.io/2LV7ouS.\nThe query used to build `O1` must include the join expressions S1.ID, T2.ID or T3.ID in its projection.',
    )
    expect(
      error(
        engine,
        'CREATE STREAM o2 as SELECT s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID + 1 = T2.ID JOIN T3 ON S1.ID = T3.ID;',
      ),
    ).toBe(
      'Key missing from projection. See https://cnfl.io/2LV7ouS.\nThe query used to build `O2` must include the join expressions S1.ID or T3.ID in its projection.',
    )
    expect(
      error(
        engine,
        'CREATE STREAM o3 as SELECT s1.V0, t2.V0, t3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.ID + 1 = T3.ID;',
      ),
    ).toBe(
      'Key missing from projection. See https://cnfl.io/2LV7ouS.\nThe query used to build `O3` must include the join expression T3.ID in its projection.',
    )
    expect(
      error(
        engine,
        'CREATE TABLE o4 AS SELECT l_id, f2, f3 FROM left_table JOIN middle_table ON l_id = m_id JOIN right_table ON foreign_key = r_id;',
      ),
    ).toBe(
      'Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got LEFT_TABLE.FOREIGN_KEY = RIGHT_TABLE.R_ID.',
    )
    expect(
      error(
        engine,
        'CREATE STREAM o5 as SELECT S1.ID, s1.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.V0;',
      ),
    ).toBe(
      "Invalid join condition: stream-table joins require to join on the table's primary key. Got S1.ID = T3.V0.",
    )
    expect(
      error(
        engine,
        'CREATE STREAM o6 as SELECT S1.ID FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON ID = T3.ID;',
      ),
    ).toBe("Column 'ID' is ambiguous. Could be S1.ID, T2.ID or T3.ID.")
  })
})
