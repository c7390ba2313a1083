import { compileExpression, type Evaluator } from '../../expression/compile-expression.ts'
import type { CompileScope } from '../../expression/compile-expression.ts'
import { isNullKey, markNullKey, type Row } from '../../expression/row.ts'
import type { ProjectedColumn } from '../../planner/execution-plan.ts'
import type { Downstream, OperatorContext } from './operator.ts'

/** SELECT list: new key and value columns; an expression failing on a row yields NULL (and a log entry). */
export function createProjector(
  keyColumns: readonly ProjectedColumn[],
  valueColumns: readonly ProjectedColumn[],
  scope: CompileScope,
  context: OperatorContext,
): (row: Row) => Row {
  const keys = keyColumns.map((c) => compileExpression(c.expression, scope).evaluate)
  const values = valueColumns.map((c) => compileExpression(c.expression, scope).evaluate)
  const safe = (evaluate: Evaluator, row: Row): unknown => {
    try {
      return evaluate(row)
    } catch (error) {
      context.logError((error as Error).message, row)
      return null
    }
  }
  return (row) => {
    const key = new Array<unknown>(keys.length)
    for (let i = 0; i < keys.length; i++) key[i] = safe(keys[i] as Evaluator, row)
    if (isNullKey(row.key)) markNullKey(key)
    let value: unknown[] | null = null
    if (row.value !== null) {
      value = new Array<unknown>(values.length)
      for (let i = 0; i < values.length; i++) value[i] = safe(values[i] as Evaluator, row)
    }
    // Spelled out rather than spread: one object shape for every projected row.
    return {
      key,
      value,
      timestamp: row.timestamp,
      partition: row.partition,
      offset: row.offset,
      window: row.window,
    }
  }
}

export function createProjectOperator(
  keyColumns: readonly ProjectedColumn[],
  valueColumns: readonly ProjectedColumn[],
  scope: CompileScope,
  context: OperatorContext,
  next: Downstream,
): Downstream {
  const project = createProjector(keyColumns, valueColumns, scope, context)
  return (row, prior) => next(project(row), prior === null ? null : project(prior))
}
