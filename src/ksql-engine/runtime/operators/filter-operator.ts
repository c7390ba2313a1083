import { compileExpression } from '../../expression/compile-expression.ts'
import type { CompileScope } from '../../expression/compile-expression.ts'
import type { Row } from '../../expression/row.ts'
import type { Expression } from '../../expression/nodes.ts'
import type { Downstream, OperatorContext } from './operator.ts'

/** WHERE: streams drop non-matching rows; tables turn them into tombstones for the key. */
export function createFilterOperator(
  predicate: Expression,
  scope: CompileScope,
  options: { readonly isTable: boolean },
  context: OperatorContext,
  next: Downstream,
): Downstream {
  const evaluate = compileExpression(predicate, scope).evaluate
  const matches = (row: Row): boolean => {
    if (row.value === null) return false
    try {
      return evaluate(row) === true
    } catch (error) {
      context.logError((error as Error).message, row)
      return false
    }
  }
  if (!options.isTable) {
    return (row) => {
      if (matches(row)) next(row, null)
    }
  }
  return (row, prior) => {
    const priorKept = prior !== null && matches(prior) ? prior : null
    if (matches(row)) next(row, priorKept)
    // A row leaving the filter deletes what was emitted for its key; others emit nothing.
    else if (priorKept !== null) next({ ...row, value: null }, priorKept)
  }
}
