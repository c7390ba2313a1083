import { describe, expect, it } from 'vitest'
import { createEngine } from './engine.ts'

function engineWithTest(eventTsType: string) {
  const engine = createEngine()
  engine.execute(
    `CREATE STREAM test (k STRING KEY, id BIGINT, event_ts ${eventTsType}) WITH (kafka_topic='t', value_format='JSON');`,
  )
  return engine
}

describe('CSAS WITH (TIMESTAMP=...) names a column of the result', () => {
  it('reports a column the projection cannot produce before the missing key column', () => {
    const engine = engineWithTest('BIGINT')
    expect(() =>
      engine.execute("CREATE STREAM ts WITH (timestamp='invalid_ts') AS SELECT id, event_ts FROM test;"),
    ).toThrow("The TIMESTAMP column set in the WITH clause does not exist in the schema: 'INVALID_TS'")
  })

  it('rejects a result column of the wrong type', () => {
    const engine = engineWithTest('INT')
    expect(() =>
      engine.execute("CREATE STREAM ts WITH (timestamp='event_ts') AS SELECT k, id, event_ts FROM test;"),
    ).toThrow(
      'Timestamp column, `EVENT_TS`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified',
    )
  })

  it('accepts an alias of the projection', () => {
    const engine = engineWithTest('BIGINT')
    expect(() =>
      engine.execute("CREATE STREAM ts WITH (timestamp='sink_ts') AS SELECT k, id AS sink_ts FROM test;"),
    ).not.toThrow()
  })
})
