import { describe, expect, it } from 'vitest'
import type { Query } from '../parser/ast.ts'
import { parseStatement } from '../parser/parser.ts'
import { checkPullClauses } from './check-pull-clauses.ts'

const query = (sql: string): Query => {
  const s = parseStatement({ text: sql, line: 1, column: 0 }).statement
  if (s.kind !== 'select') throw new Error(s.kind)
  return s.query
}

describe('LIMIT values (ksqlDB wording)', () => {
  it('parses a negative LIMIT, which a pull query refuses', () => {
    const q = query('SELECT * FROM riderLocations LIMIT -1;')
    expect(q.limit).toBe(-1)
    expect(() => checkPullClauses(q, { limitClauseEnabled: true })).toThrow(
      "Pull queries don't support negative integers in the LIMIT clause. See https://cnfl.io/queries for more info.",
    )
  })

  it('refuses a decimal LIMIT while preparing the statement', () => {
    expect(() => query('SELECT * FROM riderLocations LIMIT 2.5;')).toThrow(
      'Failed to prepare statement: Value must be integer for command: LIMIT',
    )
  })

  it('keeps a syntax error for a text LIMIT', () => {
    expect(() => query("SELECT * FROM riderLocations LIMIT 'heh';")).toThrow('line 1:36: Syntax Error')
  })
})
