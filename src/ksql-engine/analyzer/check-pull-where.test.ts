import { describe, expect, it } from 'vitest'
import { parseStatement } from '../parser/parser.ts'
import type { Expression } from '../parser/ast.ts'
import { checkPullWhere } from './check-pull-where.ts'

const where = (sql: string): Expression | null => {
  const s = parseStatement({ text: `SELECT * FROM t WHERE ${sql};`, line: 1, column: 0 }).statement
  if (s.kind !== 'select') throw new Error(s.kind)
  return s.query.where
}
const keys = [{ name: 'ID', type: { kind: 'INTEGER' } as const }]
const noScan = { tableScanEnabled: false }

describe('checkPullWhere', () => {
  it('rejects NULL keys and key literals of the wrong type even with table scans', () => {
    expect(() => checkPullWhere(where('ID = NULL'), keys, { tableScanEnabled: true })).toThrow(
      'Comparison with NULL not supported: INTEGER = NULL',
    )
    expect(() => checkPullWhere(where("ID IN ('10', 8)"), keys, { tableScanEnabled: true })).toThrow(
      "'10' can not be converted to the type of the key column: ID INTEGER KEY",
    )
    expect(() => checkPullWhere(where('COUNT > 1'), keys, { tableScanEnabled: true })).not.toThrow()
  })

  it('without table scans requires key lookups by = or IN on resolvable values', () => {
    expect(() => checkPullWhere(where('ID = 10'), keys, noScan)).not.toThrow()
    expect(() => checkPullWhere(where('ID IN (1, 2)'), keys, noScan)).not.toThrow()
    expect(() => checkPullWhere(where('COUNT = 100'), keys, noScan)).toThrow(
      'WHERE clause missing key column for disjunct: (COUNT = 100)',
    )
    expect(() => checkPullWhere(where('ID = COUNT'), keys, noScan)).toThrow(
      'between a key column and a resolvable expression',
    )
    expect(() => checkPullWhere(where('ID + 10 = 20'), keys, noScan)).toThrow(
      'must directly reference a key column',
    )
    expect(() => checkPullWhere(where('ID <> 1'), keys, noScan)).toThrow("must currently be '='")
    expect(() => checkPullWhere(where('0 < ID AND ID < 100'), keys, noScan)).toThrow('cannot be combined')
  })

  it('without table scans allows one range bound on a single STRING key of a non-windowed table', () => {
    const text = [{ name: 'ID', type: { kind: 'STRING' } as const }]
    expect(() => checkPullWhere(where("ID <= '12'"), text, noScan)).not.toThrow()
    expect(() => checkPullWhere(where("ID < '12' AND V0 > '10'"), text, noScan)).not.toThrow()
    expect(() =>
      checkPullWhere(where("ID <= '12'"), text, { tableScanEnabled: false, rangeScanEnabled: false }),
    ).toThrow('Query requires table scan to be enabled')
    expect(() =>
      checkPullWhere(where("ID <= '12'"), text, { tableScanEnabled: false, windowed: true }),
    ).toThrow('Query requires table scan to be enabled')
    expect(() => checkPullWhere(where('ID >= 12'), keys, noScan)).toThrow(
      'Query requires table scan to be enabled',
    )
    expect(() => checkPullWhere(where("ID <= '11' OR ID >= '13'"), text, noScan)).toThrow(
      'Query requires table scan to be enabled',
    )
  })
})
