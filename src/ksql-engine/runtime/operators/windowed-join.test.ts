import { describe, expect, it } from 'vitest'
import { createEngine } from '../../engine.ts'
import { EngineError } from '../../engine-error.ts'

// Joins of windowed sources: Kafka Streams matches windowed keys byte for byte, i.e. the key and
// the window start (time windows; a session key holds its end too).

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }
type Engine = ReturnType<typeof createEngine>

function engineWith(...statements: string[]): Engine {
  const engine = createEngine(earliest)
  for (const s of statements) engine.execute(s, earliest)
  return engine
}

/** A tumbling-windowed KAFKA INT key: the key, then the window start (Kafka Streams' layout). */
function windowedKey(id: number, start: number): Buffer {
  const key = Buffer.alloc(12)
  key.writeInt32BE(id)
  key.writeBigInt64BE(BigInt(start), 4)
  return key
}

function produce(e: Engine, topic: string, id: number, start: number, value: unknown, ts: number): void {
  e.produce({ topic, key: windowedKey(id, start), value: Buffer.from(JSON.stringify(value)), timestamp: ts })
}

function output(e: Engine, topic: string) {
  return e.records(topic).map((r) => ({
    key: r.key?.readInt32BE(0),
    start: r.key === null ? null : Number(r.key.readBigInt64BE(4)),
    value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
    timestamp: r.timestamp,
  }))
}

const windowed = (kind: 'TABLE' | 'STREAM', name: string, key: string, column: string): string =>
  `CREATE ${kind} ${name} (ID INT ${key}, ${column} STRING) WITH (kafka_topic='${name.toLowerCase()}', value_format='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND', partitions=1);`

describe('joins of windowed sources', () => {
  it('table-table: rows join only within the same window, and the result keeps the window', () => {
    const e = engineWith(
      windowed('TABLE', 'L', 'PRIMARY KEY', 'A'),
      windowed('TABLE', 'R', 'PRIMARY KEY', 'B'),
      'CREATE TABLE OUTPUT AS SELECT L.ID, L.WINDOWSTART AS WS, A, B FROM L JOIN R ON L.ID = R.ID;',
    )
    produce(e, 'l', 1, 0, { A: 'a0' }, 100)
    produce(e, 'r', 1, 1000, { B: 'b1' }, 1100)
    produce(e, 'r', 1, 0, { B: 'b0' }, 200)
    produce(e, 'l', 1, 1000, { A: 'a1' }, 1200)
    expect(output(e, 'OUTPUT')).toEqual([
      { key: 1, start: 0, value: { WS: 0, A: 'a0', B: 'b0' }, timestamp: 200 },
      { key: 1, start: 1000, value: { WS: 1000, A: 'a1', B: 'b1' }, timestamp: 1200 },
    ])
  })

  it('stream-table: a stream row looks up the table row of its own window', () => {
    const e = engineWith(
      windowed('STREAM', 'S', 'KEY', 'A'),
      windowed('TABLE', 'T', 'PRIMARY KEY', 'B'),
      'CREATE STREAM OUTPUT AS SELECT S.ID, A, B FROM S LEFT JOIN T ON S.ID = T.ID;',
    )
    produce(e, 't', 1, 0, { B: 'b0' }, 0)
    produce(e, 's', 1, 0, { A: 'x' }, 10)
    produce(e, 's', 1, 1000, { A: 'y' }, 1010)
    expect(output(e, 'OUTPUT')).toEqual([
      { key: 1, start: 0, value: { A: 'x', B: 'b0' }, timestamp: 10 },
      { key: 1, start: 1000, value: { A: 'y', B: null }, timestamp: 1010 },
    ])
  })

  it('upstream "matching session-windowed": session keys must match start and end exactly', () => {
    const e = engineWith(
      "CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION', partitions=1);",
      "CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION', partitions=1);",
      'CREATE STREAM OUTPUT as SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;',
    )
    // A session-windowed KAFKA INT key: the key, the window end, then its start.
    const sessionKey = (start: number, end: number): Buffer => {
      const key = Buffer.alloc(20)
      key.writeInt32BE(1)
      key.writeBigInt64BE(BigInt(end), 4)
      key.writeBigInt64BE(BigInt(start), 12)
      return key
    }
    const send = (topic: string, v: number, start: number, end: number): void =>
      e.produce({
        topic,
        key: sessionKey(start, end),
        value: Buffer.from(JSON.stringify({ V: v })),
        timestamp: end,
      })
    send('left_topic', 1, 234, 765)
    send('right_topic', 2, 234, 567)
    send('right_topic', 3, 234, 765)
    expect(
      e.records('OUTPUT').map((r) => ({
        key: r.key?.toString('hex'),
        value: JSON.parse(r.value?.toString('utf8') ?? 'null') as unknown,
        timestamp: r.timestamp,
      })),
    ).toEqual([{ key: sessionKey(234, 765).toString('hex'), value: { S1_V: 1, S2_V: 3 }, timestamp: 765 }])
  })

  it('refuses a windowed source joined to a non-windowed one with ksqlDB wording', () => {
    let error: unknown
    try {
      engineWith(
        windowed('TABLE', 'L', 'PRIMARY KEY', 'A'),
        "CREATE TABLE R (ID INT PRIMARY KEY, B STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);",
        'CREATE TABLE OUTPUT AS SELECT L.ID, A, B FROM L JOIN R ON L.ID = R.ID;',
      )
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(EngineError)
    expect((error as EngineError).info.message).toBe(
      'Can not join windowed source to non-windowed source.\n`L` is TUMBLING windowed\n`R` is not windowed',
    )
  })
})
