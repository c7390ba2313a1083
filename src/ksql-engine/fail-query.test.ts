import { describe, expect, it } from 'vitest'
import { createEngine } from './engine.ts'

const record = (id: string) => ({
  topic: 't',
  key: null,
  value: Buffer.from(JSON.stringify({ id, amount: 1 })),
  timestamp: 1,
})

describe('a query that can no longer run (failQuery)', () => {
  it('goes to ERROR with its error and stops alone; TERMINATE and DROP still work', () => {
    const engine = createEngine({ properties: { 'auto.offset.reset': 'earliest' } })
    engine.execute(`CREATE STREAM T (id VARCHAR, amount DOUBLE) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);
      CREATE STREAM A AS SELECT * FROM T;
      CREATE STREAM B AS SELECT * FROM T;`)
    engine.failQuery('CSAS_A_2', { type: 'USER', errorMessage: 'Sink topic A does not exist' })
    engine.produce(record('x'))
    expect(engine.records('A')).toHaveLength(0)
    expect(engine.records('B')).toHaveLength(1)
    const failed = engine.queries().find((q) => q.id === 'CSAS_A_2')
    expect(failed).toMatchObject({
      state: 'ERROR',
      errors: [
        {
          type: 'USER',
          errorMessage: 'Sink topic A does not exist',
          timestamp: expect.any(Number) as unknown,
        },
      ],
    })
    // Failing twice keeps the first error: the query stopped once.
    engine.failQuery('CSAS_A_2', { type: 'USER', errorMessage: 'again' })
    expect(engine.queries().find((q) => q.id === 'CSAS_A_2')?.errors).toHaveLength(1)
    const [listing] = engine.execute('SHOW QUERIES;')
    expect(
      listing?.kind === 'listing' ? listing.rows.map((q) => (q as { state: string }).state) : [],
    ).toEqual(['ERROR', 'RUNNING'])
    engine.execute('DROP STREAM A;')
    engine.execute('TERMINATE CSAS_B_3;')
    expect(engine.queries()).toEqual([])
  })
})
