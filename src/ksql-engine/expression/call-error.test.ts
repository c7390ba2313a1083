import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

function run(select: string, value: object) {
  const engine = createEngine(earliest)
  engine.execute(
    "CREATE STREAM test (k STRING KEY, val STRING) WITH (kafka_topic='t', value_format='JSON');",
    earliest,
  )
  engine.execute(`CREATE STREAM output AS SELECT k, ${select} FROM test;`, earliest)
  engine.produce({
    topic: 't',
    key: Buffer.from('1'),
    value: Buffer.from(JSON.stringify(value)),
    timestamp: 0,
  })
  const record = engine.records('OUTPUT')[0]
  return { engine, value: record?.value == null ? null : JSON.parse(record.value.toString('utf8')) }
}

describe('a function failing on a row gives NULL for that call only (ksqlDB)', () => {
  it('keeps the other elements of a constructor', () => {
    expect(run("ARRAY[44, STRINGTODATE(val, 'yyyyMMdd')] AS v", { val: 'foo' }).value).toEqual({
      V: [44, null],
    })
    expect(
      run("STRUCT(f1 := 'moo', f2 := STRINGTODATE(val, 'yyyyMMdd')) AS v", { val: 'foo' }).value,
    ).toEqual({
      V: { F1: 'moo', F2: null },
    })
  })

  it('lets the enclosing expression go on, and logs the error', () => {
    const { engine, value } = run(
      "IFNULL(CAST(PARSE_DATE(val, 'yyyy-MM-dd') AS STRING), '1900-01-01') AS v",
      {
        val: 'abcd',
      },
    )
    expect(value).toEqual({ V: '1900-01-01' })
    expect(engine.processingLog().some((entry) => entry.message.includes('abcd'))).toBe(true)
  })
})
