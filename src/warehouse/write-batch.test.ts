import { describe, expect, it } from 'vitest'
import { DOUBLE, STRING } from '../ksql-engine/types/sql-type.ts'
import { mapColumns } from './column-mapping.ts'
import { planBatch } from './plan-batch.ts'
import { bound, keyColumn, mysqlColumn, ref } from './test-fixtures.ts'
import type { WarehouseConnection } from './warehouse-connection.ts'
import { writeBatch } from './write-batch.ts'

const table = bound(
  mapColumns({
    topic: 'T',
    name: 'T',
    windowType: null,
    columns: [
      { name: 'ID', type: STRING, role: 'key' },
      { name: 'N', type: DOUBLE, role: 'value' },
    ],
  }),
  [keyColumn('id', 'varchar(64)'), mysqlColumn('n', 'int(11)')],
)

/** Records statements; an INSERT into `t` carrying a value above 100 fails like MySQL's out-of-range error. */
function fakeConnection(options: { failOn?: (sql: string) => unknown; storedOffset?: bigint } = {}) {
  const statements: { sql: string; params: readonly unknown[] }[] = []
  const connection: WarehouseConnection = {
    query(sql, params = []) {
      statements.push({ sql, params })
      const failure = options.failOn?.(sql)
      if (failure !== undefined) return Promise.reject(failure as Error)
      if (sql.startsWith('SELECT next_offset FROM dip_offsets')) {
        const rows = options.storedOffset === undefined ? [] : [{ next_offset: String(options.storedOffset) }]
        return Promise.resolve({ rows, affectedRows: 0, warningCount: 0 })
      }
      if (sql.startsWith('INSERT INTO `t`') && params.some((p) => typeof p === 'number' && p > 100)) {
        return Promise.reject(
          Object.assign(new Error("Out of range value for column 'n' at row 1"), { errno: 1264 }),
        )
      }
      return Promise.resolve({ rows: [], affectedRows: 1, warningCount: 0 })
    },
    close: () => Promise.resolve(),
  }
  return { connection, statements }
}

describe('writeBatch', () => {
  it('writes rows, deletes and positions in one transaction', async () => {
    const { connection, statements } = fakeConnection()
    const plan = planBatch(table, [
      { kind: 'row', ref: ref(0), row: { ID: 'a', N: 1 } },
      { kind: 'delete', ref: ref(1), key: { ID: 'b' } },
    ])
    const counts = await writeBatch(connection, {
      consumer: 'warehouse',
      plans: [plan],
      positions: [{ topic: 'T', partition: 0, offset: 2n }],
    })
    expect(statements.map((s) => s.sql.split(' (')[0])).toEqual([
      'START TRANSACTION',
      'DELETE FROM `t` WHERE',
      'INSERT INTO `t`',
      'INSERT INTO `dip_offsets`',
      'COMMIT',
    ])
    expect(statements[3]?.params).toEqual(['warehouse', 'T', 0, '2'])
    expect(counts.get('t')).toEqual({ records: 2, upserted: 1, deleted: 1, rejected: 0 })
  })

  it('isolates the rows MySQL refuses, rejects them with the reason and writes the others', async () => {
    const { connection, statements } = fakeConnection()
    const records = [5, 500, 7, 8, 900, 10].map((n, i) => ({
      kind: 'row' as const,
      ref: ref(i),
      row: { ID: `k${i}`, N: n },
    }))
    const counts = await writeBatch(connection, {
      consumer: 'warehouse',
      plans: [planBatch(table, records)],
      positions: [{ topic: 'T', partition: 0, offset: 6n }],
    })
    expect(counts.get('t')).toEqual({ records: 6, upserted: 4, rejected: 2, deleted: 0 })
    const written = statements
      .filter((s) => s.sql.startsWith('INSERT INTO `t`'))
      .map((s) => s.params.filter((_, i) => i % 2 === 1))
    expect(written.filter((ns) => ns.every((n) => (n as number) <= 100)).flat()).toEqual([5, 7, 8, 10])
    const rejects = statements.find((s) => s.sql.startsWith('INSERT INTO `dip_rejects`'))
    expect(
      rejects?.params.filter((p) => typeof p === 'string' && p.startsWith('MySQL refused')),
    ).toHaveLength(2)
    expect(rejects?.params).toContain('1')
    expect(rejects?.params).toContain('4')
    expect(statements.at(-1)?.sql).toBe('COMMIT')
  })

  it('rolls back and rethrows when the connection fails mid-batch', async () => {
    const lost = Object.assign(new Error('Connection lost'), {
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
    })
    const { connection, statements } = fakeConnection({
      failOn: (sql) => (sql.startsWith('INSERT INTO `dip_offsets`') ? lost : undefined),
    })
    await expect(
      writeBatch(connection, {
        consumer: 'warehouse',
        plans: [planBatch(table, [{ kind: 'row', ref: ref(0), row: { ID: 'a', N: 1 } }])],
        positions: [{ topic: 'T', partition: 0, offset: 1n }],
      }),
    ).rejects.toBe(lost)
    expect(statements.at(-1)?.sql).toBe('ROLLBACK')
  })

  it('refuses to write when another sink moved the stored position', async () => {
    const { connection, statements } = fakeConnection({ storedOffset: 7n })
    await expect(
      writeBatch(connection, {
        consumer: 'warehouse',
        plans: [planBatch(table, [{ kind: 'row', ref: ref(2), row: { ID: 'a', N: 1 } }])],
        positions: [{ topic: 'T', partition: 0, offset: 3n }],
        expected: [{ topic: 'T', partition: 0, offset: 2n }],
      }),
    ).rejects.toThrow(/Another sink moved the position of T\[0\] .* \(expected 2, found 7\)/)
    expect(statements.some((s) => s.sql.startsWith('INSERT'))).toBe(false)
    expect(statements.at(-1)?.sql).toBe('ROLLBACK')
  })

  it('skips a batch whose COMMIT succeeded although the reply was lost', async () => {
    const { connection, statements } = fakeConnection({ storedOffset: 3n })
    const counts = await writeBatch(connection, {
      consumer: 'warehouse',
      plans: [planBatch(table, [{ kind: 'row', ref: ref(2), row: { ID: 'a', N: 1 } }])],
      positions: [{ topic: 'T', partition: 0, offset: 3n }],
      expected: [{ topic: 'T', partition: 0, offset: 2n }],
    })
    expect(counts.size).toBe(0)
    expect(statements.map((s) => s.sql.split(' ')[0])).toEqual(['START', 'SELECT', 'ROLLBACK'])
  })

  it('writes when the stored position is the expected one (none yet for a new partition)', async () => {
    const { connection, statements } = fakeConnection()
    await writeBatch(connection, {
      consumer: 'warehouse',
      plans: [planBatch(table, [{ kind: 'row', ref: ref(0), row: { ID: 'a', N: 1 } }])],
      positions: [{ topic: 'T', partition: 0, offset: 1n }],
      expected: [{ topic: 'T', partition: 0, offset: null }],
    })
    expect(statements.at(-1)?.sql).toBe('COMMIT')
  })
})
