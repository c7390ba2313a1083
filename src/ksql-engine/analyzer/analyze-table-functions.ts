import { compileExpression, type CompileScope } from '../expression/compile-expression.ts'
import type { ColumnSlot } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import type { Expression, Query } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import type { AnalyzedTableFunction } from '../planner/analysis.ts'
import { syntheticColumnName, valueWidthOf } from '../planner/flat-map-columns.ts'
import type { SqlType } from '../types/sql-type.ts'
import {
  expressionKey,
  mapExpression,
  stripQualifiers,
  visitExpression,
} from '../expression/expression-utils.ts'

interface Entry {
  readonly expr: Expression
  readonly alias: string | null
}

export interface TableFunctionPlan<E extends Entry> {
  /** The calls in order: call n's values become column `KSQL_SYNTH_<n>`. */
  readonly calls: readonly AnalyzedTableFunction[]
  /** The SELECT entries with every table function call replaced by its synthetic column. */
  readonly entries: readonly E[]
  /** The input slots plus one value slot per call, as the rows after the flatMap lay out. */
  readonly slots: readonly ColumnSlot[]
}

type Call = Expression & { readonly kind: 'call' }

/** Table functions stand in the SELECT list only: before any WHERE/GROUP BY is typed, say so. */
export function rejectMisplacedTableFunctions(query: Query, functions: FunctionRegistry): void {
  const isTableFunction = (e: Expression): e is Call =>
    e.kind === 'call' && functions.tableFunction(e.name) !== undefined
  const clauses: readonly [string, Expression | null][] = [
    ['WHERE', query.where],
    ['HAVING', query.having],
    ...(query.groupBy ?? []).map((e): [string, Expression] => ['GROUP BY', e]),
    ...(query.partitionBy ?? []).map((e): [string, Expression] => ['PARTITION BY', e]),
  ]
  for (const [clause, expr] of clauses) {
    if (expr === null) continue
    visitExpression(expr, (e) => {
      if (isTableFunction(e)) {
        throw new StatementError(
          `Table function ${e.name} can only be used in the SELECT list, not in the ${clause} clause: ${formatExpression(stripQualifiers(e))}. Select it, and filter or group the result with an outer query.`,
        )
      }
    })
  }
}

/**
 * Finds the table function calls of a SELECT list (ksqlDB: analysis.getTableFunctions()), checks
 * they are not nested, on a stream and without aggregation, and plans the flatMap step.
 * Returns null when the query calls none.
 */
export function planTableFunctions<E extends Entry>(
  entries: readonly E[],
  context: {
    readonly functions: FunctionRegistry
    readonly sourceType: 'STREAM' | 'TABLE'
    readonly isAggregate: boolean
    readonly inputSlots: readonly ColumnSlot[]
    readonly scope: CompileScope
  },
): TableFunctionPlan<E> | null {
  const { functions } = context
  const isTableFunction = (e: Expression): e is Call =>
    e.kind === 'call' && functions.tableFunction(e.name) !== undefined
  const calls: Call[] = []
  const keys: string[] = []
  for (const entry of entries) {
    visitExpression(entry.expr, (e) => {
      if (!isTableFunction(e)) return undefined
      for (const arg of e.args) {
        visitExpression(arg, (inner) => {
          if (isTableFunction(inner)) {
            throw new StatementError(
              `Table functions cannot be nested: ${formatExpression(stripQualifiers(e))}. Apply ${inner.name} in one query and ${e.name} in a query over its result.`,
            )
          }
        })
      }
      const key = expressionKey(e)
      if (!keys.includes(key)) {
        keys.push(key)
        calls.push(e)
      }
      return false
    })
  }
  if (calls.length === 0) return null
  // ksqlDB's wording and order: aggregation first, then the source type.
  if (context.isAggregate) throw new StatementError('Table functions cannot be used with aggregations.')
  if (context.sourceType === 'TABLE')
    throw new StatementError('Table source is not supported with table functions')

  const types: SqlType[] = calls.map((call) => {
    const fn = functions.tableFunction(call.name)
    if (fn === undefined) throw new StatementError(`Can't find any functions with the name '${call.name}'`)
    const args = call.args.map((a) => compileExpression(a, context.scope))
    const resolution = fn.resolve(
      args.map((a) => (a.literal !== undefined ? { type: a.type, literal: a.literal } : { type: a.type })),
    )
    if (!resolution.ok) throw new StatementError(resolution.message)
    return resolution.value.returnType
  })
  const valueWidth = valueWidthOf(context.inputSlots)
  const synthetic: ColumnSlot[] = types.map((type, n) => ({
    name: syntheticColumnName(n),
    column: { name: syntheticColumnName(n), type },
    namespace: 'value',
    index: valueWidth + n,
  }))
  const rewrite = (expr: Expression): Expression =>
    mapExpression(expr, (e) => {
      if (!isTableFunction(e)) return e
      const n = keys.indexOf(expressionKey(e))
      return n < 0 ? e : { kind: 'column', qualifier: null, name: syntheticColumnName(n) }
    })
  return {
    calls: calls.map((c) => ({ name: c.name.toUpperCase(), args: c.args })),
    entries: entries.map((e) => ({ ...e, expr: rewrite(e.expr) })),
    slots: [...context.inputSlots, ...synthetic],
  }
}
