import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

function engineWithWindowedTable() {
  const engine = createEngine()
  engine.execute(
    "CREATE TABLE input (k STRING PRIMARY KEY, x INT) WITH (kafka_topic='t', value_format='JSON', window_type='Session');",
  )
  return engine
}

describe('persistent queries over a windowed table are refused (ksqlDB PushQueryValidator)', () => {
  it('refuses CTAS', () => {
    expect(() => engineWithWindowedTable().execute('CREATE TABLE output AS SELECT * FROM input;')).toThrow(
      'KSQL does not support persistent queries on windowed tables.',
    )
  })

  it('still runs a transient query over it', () => {
    const engine = engineWithWindowedTable()
    expect(() => engine.execute('SELECT * FROM input EMIT CHANGES LIMIT 1;')).not.toThrow()
  })
})
