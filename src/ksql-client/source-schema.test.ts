import { describe, expect, it } from 'vitest'
import { toSourceSchema, windowSizeFromStatement } from './source-schema.ts'

describe('toSourceSchema', () => {
  it('splits DESCRIBE fields into key and value columns and reads the window size from the statement', () => {
    const schema = toSourceSchema({
      name: 'TOTAL_5MIN',
      type: 'TABLE',
      topic: 'TOTAL_5MIN',
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      windowType: 'HOPPING',
      statement:
        'CREATE TABLE TOTAL_5MIN AS SELECT transaction_type, SUM(amount) AS total FROM s WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY transaction_type;',
      fields: [
        { name: 'TRANSACTION_TYPE', schema: { type: 'STRING' }, type: 'KEY' },
        { name: 'TOTAL', schema: { type: 'DOUBLE' } },
      ],
    })
    expect(schema).toMatchObject({
      kind: 'table',
      keyColumns: [{ name: 'TRANSACTION_TYPE', type: 'STRING' }],
      valueColumns: [{ name: 'TOTAL', type: 'DOUBLE' }],
      windowType: 'HOPPING',
      windowSizeMs: 300_000,
    })
  })

  it('prefers an explicit windowSizeMs and ignores sizes for session windows', () => {
    const base = {
      name: 'X',
      type: 'TABLE' as const,
      topic: 'X',
      keyFormat: 'JSON',
      valueFormat: 'JSON',
      fields: [],
    }
    expect(toSourceSchema({ ...base, windowType: 'TUMBLING', windowSizeMs: 1000 }).windowSizeMs).toBe(1000)
    expect(
      toSourceSchema({ ...base, windowType: 'SESSION', statement: "WINDOW_SIZE='5 SECONDS'" }).windowSizeMs,
    ).toBe(null)
  })
})

describe('windowSizeFromStatement', () => {
  it('reads WINDOW_SIZE of a CREATE TABLE over a windowed topic', () => {
    expect(
      windowSizeFromStatement(
        "CREATE TABLE t (k STRING PRIMARY KEY) WITH (WINDOW_TYPE='TUMBLING', WINDOW_SIZE='2 HOURS');",
      ),
    ).toBe(7_200_000)
  })
  it('returns null when no size is stated', () => {
    expect(windowSizeFromStatement('CREATE TABLE t AS SELECT 1;')).toBe(null)
  })
})
