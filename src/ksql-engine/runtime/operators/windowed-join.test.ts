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

const windowed = (kind: 'TABLE' | 'STREAM', name: string, key: string, column: string): string =>
  `CREATE ${kind} ${name} (ID INT ${key}, ${column} STRING) WITH (kafka_topic='${name.toLowerCase()}', value_format='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND', partitions=1);`

describe('joins of windowed sources', () => {
  it('refuses a persistent query over a joined windowed table, as ksqlDB does', () => {
    let error: unknown
    try {
      engineWith(
        windowed('TABLE', 'L', 'PRIMARY KEY', 'A'),
        windowed('TABLE', 'R', 'PRIMARY KEY', 'B'),
        'CREATE TABLE OUTPUT AS SELECT L.ID, A, B FROM L JOIN R ON L.ID = R.ID;',
      )
    } catch (e) {
      error = e
    }
    expect((error as EngineError).info.message).toBe(
      'KSQL does not support persistent queries on windowed tables.',
    )
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
