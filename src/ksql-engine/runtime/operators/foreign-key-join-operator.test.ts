import { describe, expect, it } from 'vitest'
import {
  EARLIEST as earliest,
  bigintKey,
  engineWith as engineOver,
  type Engine,
} from '../../testing/join-test-engine.ts'

const DDL = [
  "CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', key_format='KAFKA', value_format='JSON', partitions=2);",
  "CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', key_format='KAFKA', value_format='JSON', partitions=1);",
]

function engineWith(...statements: string[]): Engine {
  return engineOver(DDL, ...statements)
}

type Input = readonly [
  topic: 'L' | 'R',
  key: number,
  value: Record<string, unknown> | null,
  timestamp: number,
]

function produce(engine: Engine, inputs: readonly Input[]): void {
  for (const [side, key, value, timestamp] of inputs) {
    engine.produce({
      topic: side === 'L' ? 'left_topic' : 'right_topic',
      key: bigintKey(key),
      value: value === null ? null : Buffer.from(JSON.stringify(value)),
      timestamp,
    })
  }
}

function output(engine: Engine, topic = 'OUTPUT') {
  return engine.records(topic).map((r) => ({
    key: r.key === null ? null : Number(r.key.readBigInt64BE(0)),
    value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
    timestamp: r.timestamp,
  }))
}

function error(engine: Engine, statement: string): string {
  try {
    engine.execute(statement, earliest)
  } catch (e) {
    return (e as Error).message
  }
  return 'no error'
}

/** ksqlDB's fk-join scenario: a match, a left row without one, right update, right and left deletes. */
const INNER_INPUTS: readonly Input[] = [
  ['R', 0, { F1: 'blah', F2: 4 }, 0],
  ['L', 1, { NAME: 'zero', FOREIGN_KEY: 0 }, 10000],
  ['L', 0, { NAME: 'foo', FOREIGN_KEY: 100 }, 13000],
  ['R', 0, { F1: 'a', F2: 10 }, 15000],
  ['L', 10, { NAME: 'bar', FOREIGN_KEY: 0 }, 16000],
  ['R', 0, null, 17000],
  ['L', 1, null, 18000],
]

describe('foreign-key table-table join', () => {
  it('INNER: keyed by the left key; right updates and deletes reach every subscribed left row', () => {
    const engine = engineWith(
      'CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;',
    )
    produce(engine, INNER_INPUTS)
    expect(output(engine)).toEqual([
      { key: 1, value: { R_ID: 0, NAME: 'zero', F1: 'blah' }, timestamp: 10000 },
      { key: 1, value: { R_ID: 0, NAME: 'zero', F1: 'a' }, timestamp: 15000 },
      { key: 10, value: { R_ID: 0, NAME: 'bar', F1: 'a' }, timestamp: 16000 },
      { key: 1, value: null, timestamp: 17000 },
      { key: 10, value: null, timestamp: 17000 },
      { key: 1, value: null, timestamp: 18000 },
    ])
    const output_ = engine.sources().find((s) => s.name === 'OUTPUT')
    expect(output_?.columns.map((c) => `${c.name}:${c.namespace}`)).toEqual([
      'L_ID:KEY',
      'R_ID:VALUE',
      'NAME:VALUE',
      'F1:VALUE',
    ])
  })

  it('LEFT: left rows without a match come with NULL right columns; deletes emit tombstones', () => {
    const engine = engineWith(
      'CREATE TABLE output AS SELECT lt.l_id, rt.r_id, name, rt.f1 FROM left_table AS lt LEFT JOIN right_table AS rt ON lt.foreign_key = rt.r_id;',
    )
    produce(engine, [
      ['L', 1, { NAME: 'zero', FOREIGN_KEY: 0 }, 0],
      ['R', 0, { F1: 'blah', F2: 4 }, 10000],
      ['L', 1, { NAME: 'zero', FOREIGN_KEY: 0 }, 11000],
      ['L', 0, { NAME: 'foo', FOREIGN_KEY: 100 }, 13000],
      ['R', 0, { F1: 'a', F2: 10 }, 15000],
      ['L', 10, { NAME: 'bar', FOREIGN_KEY: 0 }, 16000],
      ['R', 0, null, 17000],
      ['L', 1, null, 18000],
      ['L', 0, null, 19000],
    ])
    const row = (rId: number | null, name: string, f1: string | null) => ({ R_ID: rId, NAME: name, F1: f1 })
    expect(output(engine)).toEqual([
      { key: 1, value: row(null, 'zero', null), timestamp: 0 },
      { key: 1, value: row(0, 'zero', 'blah'), timestamp: 10000 },
      { key: 1, value: row(0, 'zero', 'blah'), timestamp: 11000 },
      { key: 0, value: row(null, 'foo', null), timestamp: 13000 },
      { key: 1, value: row(0, 'zero', 'a'), timestamp: 15000 },
      { key: 10, value: row(0, 'bar', 'a'), timestamp: 16000 },
      { key: 1, value: row(null, 'zero', null), timestamp: 17000 },
      { key: 10, value: row(null, 'bar', null), timestamp: 17000 },
      { key: 1, value: null, timestamp: 18000 },
      { key: 0, value: null, timestamp: 19000 },
    ])
    expect(engine.sources().find((s) => s.name === 'OUTPUT')?.columns[0]?.name).toBe('L_ID')
  })

  it('a changed foreign key leaves the old right row: its updates no longer reach the left row', () => {
    const engine = engineWith(
      'CREATE TABLE output AS SELECT l_id, f1 FROM left_table JOIN right_table ON foreign_key = r_id;',
    )
    produce(engine, [
      ['R', 1, { F1: 'one' }, 1],
      ['R', 2, { F1: 'two' }, 2],
      ['L', 5, { FOREIGN_KEY: 1 }, 3],
      ['L', 5, { FOREIGN_KEY: 2 }, 4],
      ['R', 1, { F1: 'uno' }, 5],
      ['L', 5, { FOREIGN_KEY: 3 }, 6],
      ['R', 2, { F1: 'dos' }, 7],
      ['R', 3, { F1: 'tres' }, 8],
    ])
    expect(output(engine).map((r) => [r.key, r.value, r.timestamp])).toEqual([
      [5, { F1: 'one' }, 3],
      [5, { F1: 'two' }, 4],
      // FK 3 has no right row yet: the INNER result set through FK 2 is retracted.
      [5, null, 6],
      [5, { F1: 'tres' }, 8],
    ])
  })

  it('SELECT * is keyed by the aliased left key; the plan step is foreignKeyJoinV1', () => {
    const engine = engineWith(
      'CREATE TABLE output AS SELECT * FROM left_table JOIN right_table ON foreign_key = r_id;',
    )
    const columns = engine
      .sources()
      .find((s) => s.name === 'OUTPUT')
      ?.columns.map((c) => c.name)
    expect(columns).toEqual([
      'LEFT_TABLE_L_ID',
      'LEFT_TABLE_NAME',
      'LEFT_TABLE_FOREIGN_KEY',
      'RIGHT_TABLE_R_ID',
      'RIGHT_TABLE_F1',
      'RIGHT_TABLE_F2',
    ])
    const queryId = engine.queries().find((q) => q.sinks.includes('OUTPUT'))?.id ?? 'none'
    const explained = engine.execute(`EXPLAIN ${queryId};`, earliest)
    expect(JSON.stringify(explained)).toContain('KTable-FK-JoinOther')
  })

  it("refuses invalid foreign-key joins with ksqlDB's errors", () => {
    const engine = engineWith(
      "CREATE TABLE wrong_type (l_id BIGINT PRIMARY KEY, fk VARCHAR) WITH (kafka_topic='wt', value_format='JSON', partitions=1);",
      "CREATE TABLE multi (r_id_1 BIGINT PRIMARY KEY, r_id_2 BIGINT PRIMARY KEY, f2 BIGINT) WITH (kafka_topic='mk', format='JSON', partitions=1);",
    )
    expect(error(engine, 'CREATE TABLE o1 AS SELECT * FROM wrong_type JOIN right_table ON fk = r_id;')).toBe(
      "Invalid join condition: types don't match. Got WRONG_TYPE.FK{STRING} = RIGHT_TABLE.R_ID{BIGINT}.",
    )
    expect(
      error(engine, 'CREATE TABLE o2 AS SELECT * FROM left_table JOIN multi ON foreign_key = r_id_1;'),
    ).toBe(
      'Invalid join condition: table-table joins require to join on the primary key of the right input table. Got LEFT_TABLE.FOREIGN_KEY = MULTI.R_ID_1.',
    )
    expect(
      error(
        engine,
        'CREATE TABLE o3 AS SELECT name, r_id, f1 FROM left_table JOIN right_table ON foreign_key = r_id;',
      ),
    ).toBe(
      'Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`LEFT_TABLE`). Missing column: `L_ID`.',
    )
    expect(
      error(
        engine,
        'CREATE TABLE o4 AS SELECT l_id, r_id, name, f1 FROM left_table RIGHT JOIN right_table ON foreign_key = r_id;',
      ),
    ).toBe('RIGHT OUTER JOIN on a foreign key is not supported')
  })
})
