import { StatementError } from '../expression/statement-error.ts'
import type { Expression, Query } from '../parser/ast.ts'
import { visitExpression } from '../expression/expression-utils.ts'

/** Pseudo columns a pull query cannot read: they describe a record's place in Kafka, not a row. */
const KAFKA_POSITION_COLUMNS = ['ROWPARTITION', 'ROWOFFSET']

/**
 * ksqlDB's pull-query rules that do not depend on the source: no ROWPARTITION / ROWOFFSET (in
 * SELECT, then WHERE), and LIMIT only while ksql.query.pull.limit.clause.enabled is on.
 */
export function checkPullClauses(query: Query, options: { readonly limitClauseEnabled: boolean }): void {
  const selected = query.select.flatMap((item) => (item.kind === 'expr' ? positionColumns(item.expr) : []))
  if (selected.length > 0) {
    throw new StatementError(
      `Pull queries don't support the following columns in SELECT clauses: ${formatNames(selected)}`,
    )
  }
  const filtered = query.where === null ? [] : positionColumns(query.where)
  if (filtered.length > 0) {
    throw new StatementError(
      `Pull queries don't support the following columns in WHERE clauses: ${formatNames(filtered)}`,
    )
  }
  if (query.limit !== null && query.limit < 0) {
    throw new StatementError(
      "Pull queries don't support negative integers in the LIMIT clause. See https://cnfl.io/queries for more info.",
    )
  }
  if (query.limit !== null && !options.limitClauseEnabled) {
    throw new StatementError(
      'LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.',
    )
  }
}

function positionColumns(expr: Expression): string[] {
  const found: string[] = []
  visitExpression(expr, (e) => {
    if (e.kind === 'column' && KAFKA_POSITION_COLUMNS.includes(e.name) && !found.includes(e.name))
      found.push(e.name)
  })
  return found
}

function formatNames(names: readonly string[]): string {
  return names.map((n) => `\`${n}\``).join(', ')
}
