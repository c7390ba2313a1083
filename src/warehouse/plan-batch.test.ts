import { describe, expect, it } from 'vitest'
import { DOUBLE, STRING } from '../ksql-engine/types/sql-type.ts'
import { mapColumns } from './column-mapping.ts'
import { planBatch } from './plan-batch.ts'
import { bound, keyColumn, mysqlColumn, ref } from './test-fixtures.ts'

const table = bound(
  mapColumns({
    topic: 'T',
    name: 'T',
    windowType: null,
    columns: [
      { name: 'USER_ID', type: STRING, role: 'key' },
      { name: 'TYPE', type: STRING, role: 'key' },
      { name: 'TOTAL', type: DOUBLE, role: 'value' },
    ],
  }),
  [
    keyColumn('user_id', 'varchar(64)'),
    keyColumn('type', 'varchar(64)'),
    mysqlColumn('total', 'decimal(15,2)'),
  ],
)

describe('planBatch', () => {
  it('keeps only the last operation per key, upsert or delete', () => {
    const plan = planBatch(table, [
      { kind: 'row', ref: ref(0), row: { USER_ID: 'u1', TYPE: 'a', TOTAL: 1 } },
      { kind: 'row', ref: ref(1), row: { USER_ID: 'u2', TYPE: 'a', TOTAL: 2 } },
      { kind: 'row', ref: ref(2), row: { USER_ID: 'u1', TYPE: 'a', TOTAL: 3 } },
      { kind: 'delete', ref: ref(3), key: { USER_ID: 'u2', TYPE: 'a' } },
      { kind: 'delete', ref: ref(4), key: { USER_ID: 'u3', TYPE: 'b' } },
      { kind: 'row', ref: ref(5), row: { USER_ID: 'u3', TYPE: 'b', TOTAL: 9 } },
    ])
    expect(plan.upserts.map((u) => u.values)).toEqual([
      ['u1', 'a', 3],
      ['u3', 'b', 9],
    ])
    expect(plan.deletes.map((d) => d.key)).toEqual([['u2', 'a']])
    expect(plan.records).toBe(6)
    expect(plan.rejects).toEqual([])
  })

  it('matches JSON field names case-insensitively', () => {
    const plan = planBatch(table, [{ kind: 'row', ref: ref(0), row: { user_id: 'u1', Type: 'a', total: 1 } }])
    expect(plan.upserts[0]?.values).toEqual(['u1', 'a', 1])
  })

  it('rejects undecodable records and values that do not convert, keeping earlier rows of the key', () => {
    const plan = planBatch(table, [
      { kind: 'row', ref: ref(0), row: { USER_ID: 'u1', TYPE: 'a', TOTAL: 1 } },
      { kind: 'row', ref: ref(1), row: { USER_ID: 'u1', TYPE: 'a', TOTAL: 'lots' } },
      { kind: 'row', ref: ref(2), row: { USER_ID: null, TYPE: 'a', TOTAL: 1 } },
      { kind: 'invalid', ref: ref(3), reason: 'value is not JSON' },
    ])
    expect(plan.upserts.map((u) => u.values)).toEqual([['u1', 'a', 1]])
    expect(plan.rejects.map((r) => [r.ref.offset, r.reason])).toEqual([
      [1n, expect.stringMatching(/column total: "lots" does not fit total decimal\(15,2\)/)],
      [2n, 'column user_id: NULL for NOT NULL column user_id'],
      [3n, 'value is not JSON'],
    ])
  })
})
