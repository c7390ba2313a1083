import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

describe('ARRAY[...] elements take one common type (ksqlDB CoercionUtil)', () => {
  it('merges STRUCT fields, the missing ones NULL', () => {
    const engine = createEngine(earliest)
    engine.execute(
      "CREATE STREAM test (a INT, b BIGINT) WITH (kafka_topic='t', value_format='JSON');",
      earliest,
    )
    engine.execute(
      'CREATE STREAM output AS SELECT ARRAY[struct(x := a, y := b), struct(y := a, z := b)] AS l FROM test;',
      earliest,
    )
    engine.produce({ topic: 't', key: null, value: Buffer.from('{"a":30,"b":40}'), timestamp: 0 })
    const value = engine.records('OUTPUT')[0]?.value
    expect(JSON.parse((value as Buffer).toString('utf8'))).toEqual({
      L: [
        { X: 30, Y: 40, Z: null },
        { X: null, Y: 30, Z: 40 },
      ],
    })
  })

  it('types exponent text as DECIMAL, widening the array', () => {
    const engine = createEngine(earliest)
    engine.execute(
      "CREATE STREAM test (a INT, b BIGINT) WITH (kafka_topic='t', value_format='JSON');",
      earliest,
    )
    engine.execute("CREATE STREAM output AS SELECT ARRAY[null, 10, '2e1', a, b] AS l FROM test;", earliest)
    const output = engine.sources().find((s) => s.name === 'OUTPUT')
    expect(output?.columns.map((c) => c.type)).toEqual([
      { kind: 'ARRAY', element: { kind: 'DECIMAL', precision: 19, scale: 0 } },
    ])
  })
})
