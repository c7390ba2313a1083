import { StatementError } from '../expression/statement-error.ts'
import type { Column } from '../metastore/source.ts'
import type { Expression } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import { formatSqlType, isNumeric } from '../types/sql-type.ts'
import { stripQualifiers, visitExpression } from '../expression/expression-utils.ts'

/**
 * ksqlDB's pull-query WHERE rules on tables: NULL keys and unconvertible key literals are always
 * rejected; without table scans every disjunct must look keys up by `=` / IN on resolvable values,
 * or (range scans enabled, no OR) bound the single STRING key of a non-windowed table by one
 * <, <=, >, >=.
 */
export function checkPullWhere(
  where: Expression | null,
  keys: readonly Column[],
  options: {
    readonly tableScanEnabled: boolean
    /** ksql.query.pull.range.scan.enabled (default true). */
    readonly rangeScanEnabled?: boolean
    readonly windowed?: boolean
  },
): void {
  if (where === null) {
    return
  }
  const keyOf = (e: Expression): Column | undefined =>
    e.kind === 'column' ? keys.find((k) => k.name === e.name) : undefined
  const statement = formatExpression(stripQualifiers(where))
  visitExpression(where, (e) => {
    if (e.kind === 'comparison') {
      const [key, other] = keyOf(e.left) !== undefined ? [keyOf(e.left), e.right] : [keyOf(e.right), e.left]
      if (key !== undefined && other.kind === 'literal' && other.type === 'NULL') {
        throw new StatementError(
          `Error in WHERE expression: Comparison with NULL not supported: ${formatSqlType(key.type)} ${e.op} NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.\nStatement: ${statement}`,
        )
      }
    }
    if (e.kind === 'in') {
      const key = keyOf(e.operand)
      if (key === undefined) return
      for (const item of e.list) {
        if (item.kind === 'literal' && item.type === 'NULL') {
          throw new StatementError(`Primary key columns can not be NULL: (${key.name} = null)`)
        }
        if (item.kind === 'literal' && item.type === 'STRING' && isNumeric(key.type)) {
          throw new StatementError(
            `'${String(item.value)}' can not be converted to the type of the key column: ${key.name} ${formatSqlType(key.type)} KEY`,
          )
        }
      }
    }
  })
  if (options.tableScanEnabled) return
  const hasColumn = (e: Expression): boolean => {
    let found = false
    visitExpression(e, (x) => {
      if (x.kind === 'column') found = true
    })
    return found
  }
  const mentionsKey = (e: Expression): boolean => {
    let found = false
    visitExpression(e, (x) => {
      if (keyOf(x) !== undefined) found = true
    })
    return found
  }
  const disjuncts = split(where, 'OR')
  for (const disjunct of disjuncts) {
    const seen = new Map<string, number>()
    for (const conjunct of split(disjunct, 'AND')) {
      if (!mentionsKey(conjunct)) continue
      if (conjunct.kind === 'in') {
        const key = keyOf(conjunct.operand)
        if (key === undefined) throw new StatementError('A comparison must directly reference a key column.')
        if (conjunct.list.some(hasColumn)) {
          throw new StatementError('A comparison must be between a key column and a resolvable expression.')
        }
        seen.set(key.name, (seen.get(key.name) ?? 0) + 1)
        continue
      }
      if (conjunct.kind !== 'comparison')
        throw new StatementError('A comparison must directly reference a key column.')
      const left = keyOf(conjunct.left)
      const right = keyOf(conjunct.right)
      const key = left ?? right
      if (key === undefined) throw new StatementError('A comparison must directly reference a key column.')
      const other = left !== undefined ? conjunct.right : conjunct.left
      if (hasColumn(other))
        throw new StatementError('A comparison must be between a key column and a resolvable expression.')
      if (conjunct.op === '<>' || conjunct.op.includes('DISTINCT')) {
        throw new StatementError(
          `Bound on key columns '[\`${key.name}\` ${formatSqlType(key.type)} KEY]' must currently be '='. `,
        )
      }
      seen.set(key.name, (seen.get(key.name) ?? 0) + 1)
    }
    if (seen.size === 0) {
      throw new StatementError(
        `WHERE clause missing key column for disjunct: ${formatExpression(stripQualifiers(disjunct))}`,
      )
    }
    if ([...seen.values()].some((n) => n > 1)) {
      throw new StatementError(
        'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
      )
    }
    if (keys.some((k) => !seen.has(k.name))) {
      throw new StatementError('Multi-column sources must specify every key in the WHERE clause.')
    }
    // A range scan reads one key range: a disjunction of ranges needs a table scan.
    const rangeScan =
      options.rangeScanEnabled !== false &&
      disjuncts.length === 1 &&
      options.windowed !== true &&
      keys.length === 1 &&
      keys[0]?.type.kind === 'STRING'
    for (const conjunct of split(disjunct, 'AND')) {
      if (rangeScan && conjunct.kind === 'comparison' && ['<', '<=', '>', '>='].includes(conjunct.op))
        continue
      if (conjunct.kind === 'comparison' && conjunct.op !== '=' && mentionsKey(conjunct)) {
        throw new StatementError('Query requires table scan to be enabled')
      }
    }
  }
}

function split(expr: Expression, op: 'AND' | 'OR'): Expression[] {
  return expr.kind === 'logical' && expr.op === op
    ? [...split(expr.left, op), ...split(expr.right, op)]
    : [expr]
}
