import { describe, expect, it } from 'vitest'
import { createEngine } from '../../engine.ts'
import { wrapTimeWindowedKey } from '../../serde/index.ts'

const json = (value: unknown) => Buffer.from(JSON.stringify(value))

describe('sink operator', () => {
  it('writes one windowed key per hopping window: the key bytes + the 8-byte window start', () => {
    const engine = createEngine()
    engine.execute(`
      CREATE STREAM s (t VARCHAR, amount DOUBLE) WITH (KAFKA_TOPIC='in', VALUE_FORMAT='JSON');
      SET 'auto.offset.reset'='earliest';
      CREATE TABLE w AS SELECT t, SUM(amount) AS total FROM s
        WINDOW HOPPING (SIZE 3 SECONDS, ADVANCE BY 1 SECOND) GROUP BY t EMIT CHANGES;`)
    engine.produce({ topic: 'in', key: null, value: json({ t: 'a', amount: 1 }), timestamp: 2_500 })
    engine.produce({ topic: 'in', key: null, value: json({ t: 'a', amount: 2 }), timestamp: 2_600 })
    const out = engine.records('W')
    expect(out.map((r) => r.key)).toEqual(
      [0, 1_000, 2_000, 0, 1_000, 2_000].map((start) => wrapTimeWindowedKey(Buffer.from('a'), start)),
    )
    expect(out.map((r) => JSON.parse(String(r.value)).TOTAL)).toEqual([1, 1, 1, 3, 3, 3])
    const long = 'k'.repeat(100)
    engine.produce({ topic: 'in', key: null, value: json({ t: long, amount: 1 }), timestamp: 2_700 })
    expect(
      engine
        .records('W')
        .slice(-3)
        .map((r) => r.key),
    ).toEqual([0, 1_000, 2_000].map((start) => wrapTimeWindowedKey(Buffer.from(long), start)))
  })

  it('does not reuse the bytes of the previous key for a key that is only === to it (0 and -0)', () => {
    const engine = createEngine()
    engine.execute(`
      CREATE STREAM s (k DOUBLE KEY, v INT) WITH (KAFKA_TOPIC='in', VALUE_FORMAT='JSON', KEY_FORMAT='KAFKA');
      SET 'auto.offset.reset'='earliest';
      CREATE STREAM o AS SELECT k, v FROM s EMIT CHANGES;`)
    const key = (k: number) => {
      const b = Buffer.alloc(8)
      b.writeDoubleBE(k)
      return b
    }
    for (const k of [0, -0, -0, 1])
      engine.produce({ topic: 'in', key: key(k), value: json({ v: 1 }), timestamp: 1 })
    expect(engine.records('O').map((r) => r.key)).toEqual([key(0), key(-0), key(-0), key(1)])
  })
})
