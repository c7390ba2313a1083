import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'
import { commandTopicName, decodeCommand, encodeCommand, replayable } from './command-log.ts'

describe('command log', () => {
  it('round-trips a request', () => {
    const request = {
      sql: "CREATE STREAM s (a INT) WITH (kafka_topic='s', value_format='JSON');",
      properties: { 'auto.offset.reset': 'earliest' },
      variables: { x: '1' },
    }
    expect(decodeCommand(encodeCommand(request))).toEqual(request)
    expect(decodeCommand(Buffer.from('not json'))).toBeNull()
    expect(commandTopicName('default_')).toBe('_confluent-ksql-default__command_topic')
  })

  it('leaves INSERT VALUES out of a replay but keeps INSERT INTO … SELECT', () => {
    const sql =
      "CREATE STREAM s (a INT) WITH (kafka_topic='s', value_format='JSON'); INSERT INTO s (a) VALUES (1); INSERT INTO s SELECT * FROM t;"
    const prepared = createEngine().prepare(sql)
    expect(replayable(prepared).statements.map((s) => s.text)).toEqual([
      "CREATE STREAM s (a INT) WITH (kafka_topic='s', value_format='JSON');",
      'INSERT INTO s SELECT * FROM t;',
    ])
  })
})
