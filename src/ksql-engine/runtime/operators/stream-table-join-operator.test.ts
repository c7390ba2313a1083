import { describe, expect, it } from 'vitest'
import { createEngine } from '../../engine.ts'
import { EngineError } from '../../engine-error.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

const DDL = [
  "CREATE STREAM tx (tx_id STRING KEY, user_id INT, amount DOUBLE) WITH (kafka_topic='tx', value_format='JSON', partitions=1);",
  "CREATE TABLE users (id INT PRIMARY KEY, name STRING, country STRING) WITH (kafka_topic='users', key_format='KAFKA', value_format='JSON', partitions=1);",
]

function engineWith(...statements: string[]) {
  const engine = createEngine(earliest)
  for (const s of [...DDL, ...statements]) engine.execute(s, earliest)
  return engine
}

function intKey(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

function user(engine: ReturnType<typeof createEngine>, id: number, value: unknown, timestamp: number): void {
  engine.produce({ topic: 'users', key: intKey(id), value: value === null ? null : json(value), timestamp })
}

function tx(engine: ReturnType<typeof createEngine>, id: string, value: unknown, timestamp: number): void {
  engine.produce({ topic: 'tx', key: Buffer.from(id), value: json(value), timestamp })
}

function output(engine: ReturnType<typeof createEngine>, topic: string) {
  return engine.records(topic).map((r) => ({
    key: r.key === null ? null : r.key.readInt32BE(0),
    value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
    timestamp: r.timestamp,
  }))
}

function schemaOf(engine: ReturnType<typeof createEngine>, name: string): string[] | undefined {
  return engine
    .sources()
    .find((s) => s.name === name)
    ?.columns.map((c) => `${c.name} ${c.type.kind}${c.namespace === 'KEY' ? ' KEY' : ''}`)
}

function errorOf(fn: () => unknown): EngineError {
  try {
    fn()
  } catch (error) {
    if (error instanceof EngineError) return error
    throw error
  }
  throw new Error('expected an EngineError')
}

describe('stream-table join', () => {
  it('LEFT JOIN: looks up the latest table row per key as of each stream record, NULLs when none', () => {
    const engine = engineWith(
      'CREATE STREAM enriched AS SELECT t.user_id, t.amount, u.name FROM tx t LEFT JOIN users u ON t.user_id = u.id;',
    )
    tx(engine, 'a', { user_id: 1, amount: 5 }, 10)
    user(engine, 1, { name: 'ann', country: 'FR' }, 20)
    tx(engine, 'b', { user_id: 1, amount: 6 }, 30)
    user(engine, 1, { name: 'anna', country: 'FR' }, 40)
    tx(engine, 'c', { user_id: 1, amount: 7 }, 50)
    user(engine, 1, null, 60)
    tx(engine, 'd', { user_id: 1, amount: 8 }, 70)
    tx(engine, 'e', { user_id: 2, amount: 9 }, 80)
    // Re-keyed by the join column; the stream record's time; table updates alone emit nothing.
    expect(output(engine, 'ENRICHED')).toEqual([
      { key: 1, value: { AMOUNT: 5, NAME: null }, timestamp: 10 },
      { key: 1, value: { AMOUNT: 6, NAME: 'ann' }, timestamp: 30 },
      { key: 1, value: { AMOUNT: 7, NAME: 'anna' }, timestamp: 50 },
      { key: 1, value: { AMOUNT: 8, NAME: null }, timestamp: 70 },
      { key: 2, value: { AMOUNT: 9, NAME: null }, timestamp: 80 },
    ])
    expect(schemaOf(engine, 'ENRICHED')).toEqual(['USER_ID INTEGER KEY', 'AMOUNT DOUBLE', 'NAME STRING'])
  })

  it('INNER JOIN drops stream records without a table row; unqualified columns keep their names', () => {
    const engine = engineWith(
      'CREATE STREAM enriched AS SELECT tx.user_id, amount, name FROM tx JOIN users ON tx.user_id = users.id WHERE amount > 1;',
    )
    user(engine, 1, { name: 'ann', country: 'FR' }, 0)
    tx(engine, 'a', { user_id: 1, amount: 5 }, 10)
    tx(engine, 'b', { user_id: 2, amount: 6 }, 20)
    tx(engine, 'c', { user_id: 1, amount: 0.5 }, 30)
    expect(output(engine, 'ENRICHED')).toEqual([{ key: 1, value: { AMOUNT: 5, NAME: 'ann' }, timestamp: 10 }])
  })

  it('SELECT * names every column alias-prefixed, the join key once as the key', () => {
    const engine = engineWith('CREATE STREAM j AS SELECT * FROM tx LEFT JOIN users ON tx.user_id = users.id;')
    user(engine, 3, { name: 'bob', country: 'DE' }, 0)
    tx(engine, 'a', { user_id: 3, amount: 1 }, 10)
    // Each side lists its key columns first, then its values (ksqlDB's `*` order).
    expect(schemaOf(engine, 'J')).toEqual([
      'TX_USER_ID INTEGER KEY',
      'TX_TX_ID STRING',
      'TX_AMOUNT DOUBLE',
      'USERS_ID INTEGER',
      'USERS_NAME STRING',
      'USERS_COUNTRY STRING',
    ])
    expect(output(engine, 'J')).toEqual([
      {
        key: 3,
        value: { TX_AMOUNT: 1, TX_TX_ID: 'a', USERS_NAME: 'bob', USERS_COUNTRY: 'DE', USERS_ID: 3 },
        timestamp: 10,
      },
    ])
  })

  it('replays both inputs in timestamp order for a query started from earliest', () => {
    const engine = engineWith()
    // Held as users: [20]; tx: [10, 30]: in topic order the user row would come first.
    user(engine, 1, { name: 'ann', country: 'FR' }, 20)
    tx(engine, 'a', { user_id: 1, amount: 5 }, 10)
    tx(engine, 'b', { user_id: 1, amount: 6 }, 30)
    engine.execute(
      'CREATE STREAM enriched AS SELECT t.user_id, amount, u.name FROM tx t LEFT JOIN users u ON t.user_id = u.id;',
      earliest,
    )
    expect(output(engine, 'ENRICHED').map((r) => [r.timestamp, r.value])).toEqual([
      [10, { AMOUNT: 5, NAME: null }],
      [30, { AMOUNT: 6, NAME: 'ann' }],
    ])
  })

  it('feeds a push query from both topics', () => {
    const engine = engineWith()
    user(engine, 1, { name: 'ann', country: 'FR' }, 0)
    tx(engine, 'a', { user_id: 1, amount: 5 }, 10)
    tx(engine, 'b', { user_id: 4, amount: 6 }, 20)
    const [result] = engine.execute(
      'SELECT t.tx_id, u.name FROM tx t LEFT JOIN users u ON t.user_id = u.id EMIT CHANGES;',
      earliest,
    )
    expect(result).toMatchObject({
      kind: 'queryRows',
      rows: [
        ['a', 'ann'],
        ['b', null],
      ],
    })
  })

  it('rejects joins not on the table primary key and ambiguous columns, with ksqlDB wording', () => {
    const engine = engineWith()
    expect(
      errorOf(() =>
        engine.execute('CREATE STREAM j AS SELECT * FROM tx t JOIN users u ON t.user_id = u.name;'),
      ).info.message,
    ).toBe(
      "Invalid join condition: stream-table joins require to join on the table's primary key. Got T.USER_ID = U.NAME.",
    )
    expect(
      errorOf(() =>
        engine.execute(
          'CREATE STREAM j AS SELECT t.user_id, nope FROM tx t JOIN users u ON t.user_id = u.id;',
        ),
      ).info.message,
    ).toBe("SELECT column 'NOPE' cannot be resolved.")
    engine.execute(
      "CREATE TABLE accounts (user_id INT PRIMARY KEY, amount DOUBLE) WITH (kafka_topic='accounts', key_format='KAFKA', value_format='JSON', partitions=1);",
    )
    expect(
      errorOf(() =>
        engine.execute(
          'CREATE STREAM j AS SELECT t.user_id FROM tx t JOIN accounts a ON t.user_id = a.user_id WHERE amount > 0;',
        ),
      ).info.message,
    ).toBe("Column 'AMOUNT' is ambiguous. Could be T.AMOUNT or A.AMOUNT.")
  })

  it('keys the result by either join column of an INNER join, and names the join expression when neither is selected', () => {
    const engine = engineWith(
      'CREATE STREAM by_user AS SELECT u.id, amount FROM tx t JOIN users u ON t.user_id = u.id;',
    )
    user(engine, 5, { name: 'eve', country: 'ES' }, 0)
    tx(engine, 'a', { user_id: 5, amount: 2 }, 10)
    expect(schemaOf(engine, 'BY_USER')).toEqual(['ID INTEGER KEY', 'AMOUNT DOUBLE'])
    expect(output(engine, 'BY_USER')).toEqual([{ key: 5, value: { AMOUNT: 2 }, timestamp: 10 }])
    expect(
      errorOf(() =>
        engine.execute(
          'CREATE STREAM nokey AS SELECT amount, name FROM tx t LEFT JOIN users u ON t.user_id = u.id;',
        ),
      ).info.message,
    ).toBe(
      'Key missing from projection. See https://cnfl.io/2LV7ouS.\nThe query used to build `NOKEY` must include the join expressions T.USER_ID or U.ID in its projection.',
    )
  })

  it('rejects inputs with different partition counts, naming both sides', () => {
    const engine = engineWith(
      "CREATE STREAM clicks (user_id INT) WITH (kafka_topic='clicks', value_format='JSON', partitions=2);",
    )
    expect(
      errorOf(() =>
        engine.execute('SELECT * FROM clicks c LEFT JOIN users u ON c.user_id = u.id EMIT CHANGES;'),
      ).info.message,
    ).toBe(
      "Can't join `C` with `U` since the number of partitions don't match. `C` partitions = 2; `U` partitions = 1. Please repartition either one so that the number of partitions match.",
    )
  })
})
