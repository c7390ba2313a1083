import { describe, expect, it } from 'vitest'
import type { Column } from '../metastore/source.ts'
import type { Expression } from '../parser/ast.ts'
import { parseStatement } from '../parser/parser.ts'
import { checkPullLike } from './check-pull-like.ts'

const where = (sql: string): Expression | null => {
  const s = parseStatement({ text: sql, line: 1, column: 0 }).statement
  if (s.kind !== 'select') throw new Error(s.kind)
  return s.query.where
}
const columns: Column[] = [
  { name: 'ID', type: { kind: 'INTEGER' } },
  { name: 'V0', type: { kind: 'STRING' } },
]
const scan = { tableScanEnabled: true }

describe('checkPullLike', () => {
  it('requires a STRING column, naming the type it found', () => {
    expect(() => checkPullLike(where('SELECT * FROM t WHERE ID LIKE 12;'), columns, scan)).toThrow(
      'The column type for Like condition must be VARCHAR. The column type is INTEGER',
    )
  })

  it('requires a table scan when the operand is not a column', () => {
    const literal = where("SELECT * FROM t WHERE '12' LIKE '12';")
    expect(() => checkPullLike(literal, columns, { tableScanEnabled: false })).toThrow(
      'Like condition must be between strings',
    )
    expect(() => checkPullLike(literal, columns, scan)).not.toThrow()
  })

  it('accepts a STRING column against a text pattern', () => {
    expect(() => checkPullLike(where("SELECT * FROM t WHERE V0 LIKE 'v1%';"), columns, scan)).not.toThrow()
  })
})
