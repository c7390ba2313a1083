import { describe, expect, it } from 'vitest'
import type { Expression } from '../parser/ast.ts'
import { parseStatement } from '../parser/parser.ts'
import { lookupKeyOrder, lookupPosition } from './pull-key-order.ts'

const where = (sql: string): Expression | null => {
  const s = parseStatement({ text: `SELECT * FROM t WHERE ${sql};`, line: 1, column: 0 }).statement
  if (s.kind !== 'select') throw new Error(s.kind)
  return s.query.where
}
const keys = [{ name: 'ID', type: { kind: 'INTEGER' } as const }]

describe('lookupKeyOrder', () => {
  it('lists the looked-up keys in WHERE order, for = and IN among AND terms', () => {
    expect(lookupKeyOrder(where('ID IN (10, 8)'), keys)).toEqual([10, 8])
    expect(lookupKeyOrder(where('COUNT > 1 AND ID IN (11, 101, 75)'), keys)).toEqual([11, 101, 75])
    expect(lookupKeyOrder(where('10.5 = ID'), keys)).toEqual([10.5])
    expect(lookupKeyOrder(where('(ID = 10 OR ID = 50) AND ID IN (50, 1, 10)'), keys)).toEqual([10, 50])
  })

  it('is null for scans, ranges, disjunctions with non-key terms and multi-column keys', () => {
    expect(lookupKeyOrder(null, keys)).toBeNull()
    expect(lookupKeyOrder(where('ID > 3'), keys)).toBeNull()
    expect(lookupKeyOrder(where('ID = 1 OR COUNT = 2'), keys)).toBeNull()
    expect(lookupKeyOrder(where('ID NOT IN (1)'), keys)).toBeNull()
    expect(
      lookupKeyOrder(where('ID = 1'), [...keys, { name: 'K2', type: { kind: 'STRING' } as const }]),
    ).toBeNull()
  })

  it('places a row by its key value, unknown values last', () => {
    expect(lookupPosition([10, 8], 8)).toBe(1)
    expect(lookupPosition([10, 8], 10n)).toBe(0)
    expect(lookupPosition([10, 8], 3)).toBe(2)
  })
})
