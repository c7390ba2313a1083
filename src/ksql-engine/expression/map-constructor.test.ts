import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

function outputOf(select: string, input: object): unknown {
  const engine = createEngine(earliest)
  engine.execute(
    "CREATE STREAM test (k1 STRING, k2 STRING, v1 BOOLEAN) WITH (kafka_topic='t', value_format='JSON');",
    earliest,
  )
  engine.execute(`CREATE STREAM output AS ${select} FROM test;`, earliest)
  engine.produce({ topic: 't', key: null, value: Buffer.from(JSON.stringify(input)), timestamp: 0 })
  const record = engine.records('OUTPUT')[0]
  return record?.value === null || record === undefined
    ? undefined
    : JSON.parse(record.value.toString('utf8'))
}

describe('MAP(...) constructor', () => {
  it('keeps a NULL key, written by JSON as "null"', () => {
    expect(outputOf('SELECT MAP(k1 := 10, k2 := 10) AS m', { k1: 'foo', k2: null })).toEqual({
      M: { foo: 10, null: 10 },
    })
  })

  it("converts text values to BOOLEAN with ksqlDB's lenient words ('no', 'Y')", () => {
    expect(outputOf("SELECT MAP(k1 := v1, 'a' := 'no', 'b' := 'Y') AS m", { k1: 'x', v1: true })).toEqual({
      M: { x: true, a: false, b: true },
    })
  })
})
