import type { KeyFormat, ValueFormat } from '../engine-api.ts'
import { compileExpression } from '../expression/compile-expression.ts'
import type { scopeOverSlots } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import { LAMBDA_FUNCTIONS } from '../expression/compile-lambda-call.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import type { Column, DataSource } from '../metastore/source.ts'
import type { Expression, Query } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import { effectiveGraceMs, retentionError } from '../planner/window-retention.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import { isSyntheticColumn } from '../planner/flat-map-columns.ts'
import {
  expressionKey,
  mapExpression,
  stripQualifiers,
  visitExpression,
} from '../expression/expression-utils.ts'

export interface SelectEntry {
  readonly expr: Expression
  readonly alias: string | null
}

export function validateWindow(window: NonNullable<Query['window']>, emitFinal: boolean): void {
  const retention = retentionError(window, effectiveGraceMs(window, emitFinal))
  if (retention !== null) throw new StatementError(retention)
  if (window.type === 'HOPPING' && window.advanceMs !== null) {
    if (window.advanceMs <= 0) throw new StatementError('ADVANCE BY must be positive.')
    if (window.advanceMs > window.sizeMs) {
      throw new StatementError(
        `ADVANCE BY (${window.advanceMs}) must be less than or equal to SIZE (${window.sizeMs})`,
      )
    }
  }
}

const SYSTEM_NAMES = new Set(['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'])
export const RESERVED_OUTPUT_NAMES = SYSTEM_NAMES

/** Every column reference qualified with the source, as ksqlDB prints expressions in some errors. */
export function qualifyAll(expr: Expression, qualifier: string): Expression {
  return mapExpression(expr, (e) =>
    e.kind === 'column' && e.qualifier === null && !SYSTEM_NAMES.has(e.name) ? { ...e, qualifier } : e,
  )
}

export function aggregateNotAllowed(expr: Expression & { kind: 'call' }, clause: string): never {
  if (clause === 'WHERE')
    throw new StatementError(
      `Aggregate functions can not be used in the WHERE clause: ${formatExpression(expr)}`,
    )
  throw new StatementError(`Use of aggregate function ${expr.name} requires a GROUP BY clause.`)
}

export function checkNoWindowBounds(
  expr: Expression,
  windowedSource: boolean,
  clause: string,
  windowedAggregation = false,
): void {
  if (windowedSource) return
  visitExpression(expr, (e) => {
    if (e.kind === 'column' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND') && clause === 'WHERE') {
      throw new StatementError(
        windowedAggregation
          ? `Error in WHERE expression: Unknown column ${e.name}.`
          : `WHERE column '${e.name}' cannot be resolved.`,
      )
    }
    if (e.kind === 'column' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND') && clause !== 'SELECT') {
      throw new StatementError(
        `Window bounds column ${e.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`,
      )
    }
  })
}

export function expandSelect(
  query: Query,
  source: DataSource,
  typeOf: (expr: Expression) => SqlType | null,
): SelectEntry[] {
  const entries: SelectEntry[] = []
  const column = (name: string): SelectEntry => ({
    expr: { kind: 'column', qualifier: null, name },
    alias: null,
  })
  for (const item of query.select) {
    if (item.kind === 'all') {
      if (item.qualifier !== null && item.qualifier !== source.name && item.qualifier !== query.from.alias) {
        throw new StatementError(`'${item.qualifier}' is not a valid stream/table name or alias.`)
      }
      const partitionBy = query.partitionBy
      if (partitionBy !== null && !(partitionBy.length === 1 && partitionBy[0]?.kind === 'literal')) {
        // After PARTITION BY the key is the partition expressions; moved columns leave the value and
        // the old key columns follow the value columns.
        const moved = new Set(
          partitionBy.filter((e) => e.kind === 'column').map((e) => (e as { name: string }).name),
        )
        for (const e of partitionBy) entries.push({ expr: e, alias: null })
        for (const c of source.schema.value) if (!moved.has(c.name)) entries.push(column(c.name))
        for (const c of source.schema.key) if (!moved.has(c.name)) entries.push(column(c.name))
        continue
      }
      if (partitionBy !== null) {
        for (const c of [...source.schema.value, ...source.schema.key]) entries.push(column(c.name))
        continue
      }
      for (const c of [...source.schema.key, ...source.schema.value]) entries.push(column(c.name))
    } else if (item.kind === 'structAll') {
      const type = typeOf(item.struct)
      if (type?.kind !== 'STRUCT') {
        throw new StatementError(`Expected STRUCT type for ${formatExpression(item.struct)}->*`)
      }
      for (const f of type.fields) {
        entries.push({ expr: { kind: 'deref', base: item.struct, field: f.name }, alias: f.name })
      }
    } else entries.push({ expr: item.expr, alias: item.alias })
  }
  return entries
}

/** Unknown functions are reported before any GROUP BY/aggregate rule, as ksqlDB does. */
export function checkFunctionsExist(query: Query, functions: FunctionRegistry): void {
  const exprs: Expression[] = [
    ...query.select.flatMap((i) => (i.kind === 'expr' ? [i.expr] : i.kind === 'structAll' ? [i.struct] : [])),
    ...(query.where === null ? [] : [query.where]),
    ...(query.groupBy ?? []),
    ...(query.partitionBy ?? []),
    ...(query.having === null ? [] : [query.having]),
  ]
  for (const expr of exprs) {
    visitExpression(expr, (e) => {
      if (
        e.kind === 'call' &&
        e.name !== 'AS_VALUE' &&
        !LAMBDA_FUNCTIONS.has(e.name) &&
        functions.scalar(e.name) === undefined &&
        functions.tableFunction(e.name) === undefined &&
        !functions.isAggregate(e.name)
      ) {
        throw new StatementError(`Can't find any functions with the name '${e.name}'`)
      }
    })
  }
}

export function containsAggregate(expr: Expression, functions: FunctionRegistry): boolean {
  let found = false
  visitExpression(expr, (e) => {
    if (e.kind === 'call' && functions.isAggregate(e.name)) found = true
  })
  return found
}

export function collectAggregates(
  exprs: readonly Expression[],
  functions: FunctionRegistry,
): (Expression & { kind: 'call' })[] {
  const found: (Expression & { kind: 'call' })[] = []
  const keys = new Set<string>()
  for (const expr of exprs) {
    visitExpression(expr, (e) => {
      if (e.kind === 'call' && functions.isAggregate(e.name)) {
        for (const arg of e.args) {
          visitExpression(arg, (inner) => {
            if (inner.kind === 'call' && functions.isAggregate(inner.name)) {
              throw new StatementError(
                `Aggregate functions can not be nested: ${formatExpression(stripQualifiers(e))}`,
              )
            }
          })
        }
        const k = expressionKey(e)
        if (!keys.has(k)) {
          keys.add(k)
          found.push(e)
        }
        return false
      }
      return undefined
    })
  }
  return found
}

export function resolveAggregateType(
  call: Expression & { kind: 'call' },
  functions: FunctionRegistry,
  scope: ReturnType<typeof scopeOverSlots>,
): { readonly returnType: SqlType; readonly intermediateType?: SqlType } {
  const fn = functions.aggregate(call.name)
  if (fn === undefined) throw new StatementError(`Can't find any functions with the name '${call.name}'`)
  const args = call.args.map((a) => compileExpression(a, scope))
  for (const a of call.args) {
    visitExpression(a, (e) => {
      if (e.kind === 'column' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND')) {
        throw new StatementError(
          `Window bounds column ${e.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`,
        )
      }
    })
  }
  const resolution = fn.resolve(
    args.map((a) => (a.literal !== undefined ? { type: a.type, literal: a.literal } : { type: a.type })),
  )
  if (!resolution.ok) throw new StatementError(resolution.message)
  return resolution.value as { readonly returnType: SqlType; readonly intermediateType?: SqlType }
}

/** The name ksqlDB gives an unaliased select expression, or undefined when it generates KSQL_COL_n. */
export function defaultName(expr: Expression): string | undefined {
  // A table function's value column is named like any other unaliased expression.
  if (expr.kind === 'column') return isSyntheticColumn(expr.name) ? undefined : expr.name
  if (expr.kind === 'deref') return expr.field
  return undefined
}

export interface ColumnNamer {
  nameFor(expr: Expression): string
  generated(): string
  claim(name: string): void
}

export function createColumnNamer(sourceNames: ReadonlySet<string>): ColumnNamer {
  const used = new Set<string>()
  let counter = 0
  const generated = (): string => {
    for (;;) {
      const name = `KSQL_COL_${counter++}`
      if (!sourceNames.has(name) && !used.has(name)) {
        used.add(name)
        return name
      }
    }
  }
  return {
    generated,
    claim: (name) => {
      used.add(name)
    },
    nameFor(expr) {
      if (expr.kind === 'column' && !isSyntheticColumn(expr.name)) {
        used.add(expr.name)
        return expr.name
      }
      if (expr.kind === 'deref') {
        let name = expr.field
        for (let i = 1; used.has(name) || sourceNames.has(name); i++) name = `${expr.field}_${i}`
        used.add(name)
        return name
      }
      return generated()
    },
  }
}

export function checkDuplicates(key: readonly Column[], value: readonly Column[]): void {
  const seen = new Set<string>()
  for (const c of key) seen.add(c.name)
  for (const c of value) {
    if (seen.has(c.name)) {
      throw new StatementError(
        `Duplicate value columns found in schema: \`${c.name}\` ${formatSqlType(c.type)}`,
      )
    }
    seen.add(c.name)
  }
}

/** Lab trap (lab.md §4): grouping by a masked column merges distinct entities into one key. */
export function maskedGroupingWarnings(groupBy: readonly Expression[]): string[] {
  const warnings: string[] = []
  for (const g of groupBy) {
    visitExpression(g, (e) => {
      if (e.kind === 'call' && e.name.startsWith('MASK')) {
        warnings.push(
          `GROUP BY ${formatExpression(stripQualifiers(g))} groups by a masked value: ${e.name} maps many distinct values to the same key, so their rows merge into one group. Group by the unmasked column and mask it in the projection instead.`,
        )
        return false
      }
      return undefined
    })
  }
  return warnings
}

export function keyFormatSupports(format: KeyFormat, columns: readonly Column[]): string | null {
  if (format === 'KAFKA' && columns.length > 1) {
    return `The 'KAFKA' format only supports a single field. Got: [${columns.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`).join(', ')}]`
  }
  if (format === 'KAFKA' || format === 'DELIMITED') {
    for (const c of columns) {
      if (format === 'KAFKA' && !['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'].includes(c.type.kind)) {
        return `The 'KAFKA' format does not support type '${c.type.kind}'`
      }
      if (format === 'DELIMITED' && ['ARRAY', 'MAP', 'STRUCT'].includes(c.type.kind)) {
        return `The 'DELIMITED' format does not support type '${c.type.kind}', column: \`${c.name}\``
      }
    }
  }
  return null
}

export function valueFormatName(format: ValueFormat): string {
  return format
}
