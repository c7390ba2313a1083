import { describe, expect, it } from 'vitest'
import { createEngine } from './engine.ts'

function engineWithChain() {
  const engine = createEngine({ properties: { 'auto.offset.reset': 'earliest' } })
  engine.execute(`CREATE STREAM T (id VARCHAR, amount DOUBLE) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE STREAM S1 AS SELECT * FROM T;
    CREATE STREAM S2 AS SELECT * FROM S1;`)
  return engine
}

describe('queries whose output would flow back into their input', () => {
  it.each([
    ['into its own source', 'INSERT INTO S1 SELECT * FROM S1;'],
    ['through another query', 'INSERT INTO S1 SELECT * FROM S2;'],
    [
      'through a second stream over the sink topic',
      "CREATE STREAM S1_AGAIN (id VARCHAR, amount DOUBLE) WITH (KAFKA_TOPIC='S2', VALUE_FORMAT='JSON'); INSERT INTO S1 SELECT * FROM S1_AGAIN;",
    ],
  ])('are refused (%s): the statement fails, nothing runs, records still flow', (_name, sql) => {
    const engine = engineWithChain()
    const before = engine.queries().map((q) => q.id)
    expect(() => engine.execute(sql)).toThrow(/would flow back into its own input .* a loop that never ends/)
    expect(engine.queries().map((q) => q.id)).toEqual(before)
    engine.produce({ topic: 't', key: null, value: Buffer.from('{"id":"a","amount":1}'), timestamp: 1 })
    expect(engine.records('S2')).toHaveLength(1)
  })

  it('accepts a second writer that does not depend on the sink', () => {
    const engine = engineWithChain()
    engine.execute('INSERT INTO S2 SELECT * FROM T;')
    engine.produce({ topic: 't', key: null, value: Buffer.from('{"id":"a","amount":1}'), timestamp: 1 })
    expect(engine.records('S2')).toHaveLength(2)
  })
})
