import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

const withNewPlanner = {
  properties: { 'auto.offset.reset': 'earliest', 'ksql.new.query.planner.enabled': 'true' },
}

function outputColumns(sql: string, input: string) {
  const engine = createEngine(withNewPlanner)
  engine.execute(input, withNewPlanner)
  engine.execute(sql, withNewPlanner)
  const output = engine.sources().find((s) => s.name === 'OUTPUT')
  return { engine, columns: output?.columns.map((c) => `${c.name}${c.namespace === 'KEY' ? ' KEY' : ''}`) }
}

describe('ksql.new.query.planner.enabled: a stream projection keeps the keys it selects', () => {
  it('orders the key columns as selected', () => {
    const { columns } = outputColumns(
      'CREATE STREAM output AS SELECT age, id, name FROM input;',
      "CREATE STREAM input (id INT KEY, age INT KEY, name STRING) WITH (kafka_topic='t', format='JSON');",
    )
    expect(columns).toEqual(['AGE KEY', 'ID KEY', 'NAME'])
  })

  it('drops the key when no key column is selected, writing null keys', () => {
    const { engine, columns } = outputColumns(
      'CREATE STREAM output AS SELECT name FROM input;',
      "CREATE STREAM input (id INT KEY, name STRING) WITH (kafka_topic='t', value_format='JSON');",
    )
    expect(columns).toEqual(['NAME'])
    engine.produce({
      topic: 't',
      key: Buffer.from([0, 0, 0, 8]),
      value: Buffer.from('{"name":"a"}'),
      timestamp: 1,
    })
    expect(engine.records('OUTPUT').map((r) => r.key)).toEqual([null])
  })

  it('still requires the key columns without the property', () => {
    const engine = createEngine()
    engine.execute(
      "CREATE STREAM input (id INT KEY, name STRING) WITH (kafka_topic='t', value_format='JSON');",
    )
    expect(() => engine.execute('CREATE STREAM output AS SELECT name FROM input;')).toThrow(
      'must include the key column ID in its projection',
    )
  })
})
