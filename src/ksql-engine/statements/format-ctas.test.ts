import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

describe('a CTAS refused for its key format shows the rewritten statement, as ksqlDB', () => {
  it('qualifies every column, names every item and adds EMIT CHANGES', () => {
    const engine = createEngine()
    engine.execute("CREATE STREAM test (f1 INT KEY, f2 INT) WITH (kafka_topic='t', value_format='JSON');")
    expect(() =>
      engine.execute('CREATE TABLE output AS SELECT f2, f1, f2+f1, COUNT(*) FROM test GROUP BY f1, f2;'),
    ).toThrow(
      "reason: The 'KAFKA' format only supports a single field. Got: [`F1` INTEGER KEY, `F2` INTEGER KEY]\n" +
        'Statement: CREATE TABLE OUTPUT AS SELECT\n  TEST.F2 F2,\n  TEST.F1 F1,\n  (TEST.F2 + TEST.F1) KSQL_COL_0,\n' +
        '  COUNT(*) KSQL_COL_1\nFROM TEST TEST\nGROUP BY TEST.F1, TEST.F2\nEMIT CHANGES',
    )
  })
})
