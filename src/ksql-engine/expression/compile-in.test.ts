import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

const earliest = { properties: { 'auto.offset.reset': 'earliest' } }

function run(columns: string, where: string, values: readonly object[]) {
  const engine = createEngine(earliest)
  engine.execute(`CREATE STREAM input (${columns}) WITH (kafka_topic='t', format='JSON');`, earliest)
  engine.execute(`CREATE STREAM output AS SELECT * FROM input WHERE ${where};`, earliest)
  for (const v of values)
    engine.produce({ topic: 't', key: null, value: Buffer.from(JSON.stringify(v)), timestamp: 0 })
  return engine.records('OUTPUT').map((r) => JSON.parse((r.value as Buffer).toString('utf8')))
}

function errorOf(columns: string, where: string): string {
  try {
    run(columns, where, [])
  } catch (error) {
    return (error as Error).message
  }
  return 'no error'
}

describe('IN lists typed as ksqlDB does (one common type for operand and list)', () => {
  it('widens an INT operand to BIGINT for a large text literal instead of wrapping it', () => {
    expect(run('val0 INT', "val0 IN (1, '2147483648')", [{ val0: 1 }, { val0: -2147483648 }])).toEqual([
      { VAL0: 1 },
    ])
  })

  it('converts text literals inside constructors to the element type', () => {
    const rows = run('val0 ARRAY<BIGINT>', "val0 IN (ARRAY[1, 2], ARRAY['3', null])", [
      { val0: [3, null] },
      { val0: [4] },
    ])
    expect(rows).toEqual([{ VAL0: [3, null] }])
  })

  it('reports the widened type and the offending item', () => {
    expect(errorOf('id DECIMAL(4,2)', 'id IN (10, true)')).toContain(
      'Invalid Predicate: operator does not exist: DECIMAL(12, 2) = BOOLEAN (true)',
    )
    expect(errorOf('val0 ARRAY<BIGINT>, val1 BOOLEAN', 'val0 IN (val0, ARRAY[val1])')).toContain(
      'Invalid Predicate: operator does not exist: ARRAY<BIGINT> = ARRAY<BOOLEAN> (ARRAY[VAL1])',
    )
    expect(errorOf('val0 STRUCT<f0 BIGINT>', "val0 IN (STRUCT(f0 := 'not 10'))")).toContain(
      'Invalid Predicate: invalid input syntax for type BIGINT: "not 10"',
    )
  })
})
