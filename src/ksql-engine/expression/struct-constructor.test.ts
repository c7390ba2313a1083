import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

describe('STRUCT(...) constructor', () => {
  it('refuses a field name given twice', () => {
    const engine = createEngine()
    engine.execute(
      "CREATE STREAM input (id STRING KEY, col1 STRING) WITH (kafka_topic='t', value_format='JSON');",
    )
    expect(() =>
      engine.execute('CREATE STREAM s AS SELECT id, STRUCT(foo := col1, foo := col1) AS s FROM input;'),
    ).toThrow('Duplicate field names found in STRUCT: FOO')
  })
})
