import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

function engineWithTable() {
  const engine = createEngine()
  engine.execute(
    "CREATE TABLE input (id STRING PRIMARY KEY, v0 STRING) WITH (kafka_topic='t', value_format='JSON');",
  )
  engine.execute('CREATE TABLE matview AS SELECT id, v0 FROM input;')
  return engine
}

describe('BETWEEN bounds of another type (checked as >= and <=)', () => {
  it('names the low bound and GREATER_THAN_OR_EQUAL; a pull query says "Invalid expression"', () => {
    const props = { properties: { 'ksql.query.pull.table.scan.enabled': 'true' } }
    expect(() =>
      engineWithTable().execute("SELECT * FROM matview WHERE v0 BETWEEN 10 AND 'v10a';", props),
    ).toThrow('Invalid expression: Cannot compare V0 (STRING) to 10 (INTEGER) with GREATER_THAN_OR_EQUAL')
  })

  it('names the high bound and LESS_THAN_OR_EQUAL in a persistent query', () => {
    expect(() =>
      engineWithTable().execute("CREATE TABLE o AS SELECT * FROM matview WHERE v0 BETWEEN 'a' AND 10;"),
    ).toThrow(
      'Error in WHERE expression: Cannot compare V0 (STRING) to 10 (INTEGER) with LESS_THAN_OR_EQUAL.',
    )
  })
})
