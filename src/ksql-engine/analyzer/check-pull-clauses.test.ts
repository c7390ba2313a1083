import { describe, expect, it } from 'vitest'
import type { Query } from '../parser/ast.ts'
import { parseStatement } from '../parser/parser.ts'
import { checkPullClauses } from './check-pull-clauses.ts'

const query = (sql: string): Query => {
  const s = parseStatement({ text: sql, line: 1, column: 0 }).statement
  if (s.kind !== 'select') throw new Error(s.kind)
  return s.query
}
const enabled = { limitClauseEnabled: true }

describe('checkPullClauses', () => {
  it('rejects ROWPARTITION / ROWOFFSET, naming the clause', () => {
    expect(() => checkPullClauses(query('SELECT K, ROWOFFSET FROM S;'), enabled)).toThrow(
      "Pull queries don't support the following columns in SELECT clauses: `ROWOFFSET`",
    )
    expect(() =>
      checkPullClauses(query('SELECT * FROM S WHERE K < 1 AND ROWPARTITION != 2;'), enabled),
    ).toThrow("Pull queries don't support the following columns in WHERE clauses: `ROWPARTITION`")
    expect(() => checkPullClauses(query('SELECT K, ROWTIME FROM S WHERE K = 1;'), enabled)).not.toThrow()
  })

  it('rejects LIMIT only when ksql.query.pull.limit.clause.enabled is off', () => {
    expect(() => checkPullClauses(query('SELECT * FROM S LIMIT 2;'), enabled)).not.toThrow()
    expect(() => checkPullClauses(query('SELECT * FROM S LIMIT 2;'), { limitClauseEnabled: false })).toThrow(
      'LIMIT clause in pull queries is currently disabled.',
    )
  })
})
