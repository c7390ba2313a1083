import { compileExpression, type CompileScope, type Evaluator } from '../../expression/compile-expression.ts'
import type { Row } from '../../expression/row.ts'
import type { ColumnSlot } from '../../expression/schema-scope.ts'
import { StatementError } from '../../expression/statement-error.ts'
import type { FunctionRegistry } from '../../functions/function-types.ts'
import type { ResolvedTableFunction } from '../../functions/table-functions.ts'
import { syntheticColumnName, valueWidthOf } from '../../planner/flat-map-columns.ts'
import type { TableFunctionCall } from '../../planner/execution-plan.ts'
import type { Downstream, OperatorContext } from './operator.ts'

interface CompiledCall {
  readonly fn: ResolvedTableFunction
  readonly args: readonly Evaluator[]
}

/** Resolves each call of a flatMap step against the rows entering it (types and implementations). */
export function compileTableFunctions(
  calls: readonly TableFunctionCall[],
  scope: CompileScope,
  functions: FunctionRegistry,
): {
  readonly compiled: readonly CompiledCall[]
  readonly slots: (input: readonly ColumnSlot[]) => ColumnSlot[]
} {
  const compiled = calls.map((call): CompiledCall => {
    const fn = functions.tableFunction(call.name)
    if (fn === undefined) throw new StatementError(`Can't find any functions with the name '${call.name}'`)
    const args = call.args.map((a) => compileExpression(a, scope))
    const resolution = fn.resolve(
      args.map((a) => (a.literal !== undefined ? { type: a.type, literal: a.literal } : { type: a.type })),
    )
    if (!resolution.ok) throw new StatementError(resolution.message)
    return { fn: resolution.value, args: args.map((a) => a.evaluate) }
  })
  return {
    compiled,
    slots: (input) => {
      const width = valueWidthOf(input)
      return [
        ...input,
        ...compiled.map((c, n) => ({
          name: syntheticColumnName(n),
          column: { name: syntheticColumnName(n), type: c.fn.returnType },
          namespace: 'value' as const,
          index: width + n,
        })),
      ]
    },
  }
}

/**
 * ksqlDB's FlatMap (KudtfFlatMapper): each input row becomes as many rows as the longest list its
 * table functions return, each carrying the i-th value of every function (NULL past a shorter
 * list's end) after the input's value columns. A row whose arguments or function fail is logged and
 * produces nothing; a row without value has nothing to explode.
 */
export function createFlatMapOperator(
  calls: readonly CompiledCall[],
  valueWidth: number,
  context: OperatorContext,
  next: Downstream,
): Downstream {
  return (row: Row) => {
    if (row.value === null) return
    let lists: (readonly unknown[])[]
    try {
      lists = calls.map((c) => c.fn.invoke(c.args.map((evaluate) => evaluate(row))))
    } catch (error) {
      context.logError((error as Error).message, row)
      return
    }
    let rows = 0
    for (const list of lists) rows = Math.max(rows, list.length)
    const base = row.value.length >= valueWidth ? row.value.slice(0, valueWidth) : row.value
    for (let i = 0; i < rows; i++) {
      const value = new Array<unknown>(valueWidth + lists.length)
      for (let c = 0; c < valueWidth; c++) value[c] = base[c] ?? null
      for (let n = 0; n < lists.length; n++) {
        const list = lists[n] as readonly unknown[]
        value[valueWidth + n] = i < list.length ? (list[i] ?? null) : null
      }
      next({ ...row, value }, null)
    }
  }
}
