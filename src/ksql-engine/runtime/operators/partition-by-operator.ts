import { compileExpression, type Evaluator } from '../../expression/compile-expression.ts'
import type { CompileScope } from '../../expression/compile-expression.ts'
import type { Expression } from '../../expression/nodes.ts'
import type { Downstream, OperatorContext } from './operator.ts'

/** PARTITION BY: new key from expressions over the input; old key and value columns move to the value. */
export function createPartitionByOperator(
  keyExpressions: readonly Expression[],
  scope: CompileScope,
  options: { readonly keyOnly: readonly boolean[] },
  context: OperatorContext,
  next: Downstream,
): Downstream {
  const keys = keyExpressions.map((e) => compileExpression(e, scope).evaluate)
  return (row) => {
    const key = new Array<unknown>(keys.length).fill(null)
    for (let i = 0; i < keys.length; i++) {
      // A record without value only yields the expressions computed from its key columns.
      if (row.value === null && options.keyOnly[i] !== true) continue
      try {
        key[i] = (keys[i] as Evaluator)(row)
      } catch (error) {
        context.logError((error as Error).message, row)
        key[i] = null
      }
    }
    next({ ...row, key, value: row.value === null ? null : [...row.key, ...row.value] }, null)
  }
}
