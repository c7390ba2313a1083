import { StatementError } from '../expression/statement-error.ts'
import type { Column } from '../metastore/source.ts'
import type { Expression } from '../parser/ast.ts'
import { visitExpression } from '../expression/expression-utils.ts'

/**
 * ksqlDB's pull-query rules for LIKE in WHERE (its QueryFilterNode validator): a column operand
 * must be a STRING column matched against a text (or NULL) pattern; any other operand needs a
 * table scan. Checked before the key rules, as ksqlDB does.
 */
export function checkPullLike(
  where: Expression | null,
  columns: readonly Column[],
  options: { readonly tableScanEnabled: boolean },
): void {
  if (where === null) return
  visitExpression(where, (e) => {
    if (e.kind !== 'like') return
    if (e.operand.kind !== 'column') {
      if (!options.tableScanEnabled) throw new StatementError('Like condition must be between strings')
      return
    }
    const name = e.operand.name
    const column = columns.find((c) => c.name === name)
    if (column === undefined) throw new StatementError(`Like condition on non-existent column ${name}`)
    if (column.type.kind !== 'STRING') {
      throw new StatementError(
        `The column type for Like condition must be VARCHAR. The column type is ${column.type.kind}`,
      )
    }
    const pattern = e.pattern
    if (pattern.kind !== 'literal' || (pattern.type !== 'STRING' && pattern.type !== 'NULL'))
      throw new StatementError('Like condition on non-string pattern')
  })
}
