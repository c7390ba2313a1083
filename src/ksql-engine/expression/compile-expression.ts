import { assertNever } from '../../shared/assert-never.ts'
import type { ArgumentInfo, FunctionRegistry } from '../functions/function-types.ts'
import type { Expression } from './nodes.ts'
import { formatExpression } from './format-sql.ts'
import { Decimal } from '../types/decimal.ts'
import { RecordError } from '../types/record-error.ts'
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INTEGER,
  STRING,
  formatSqlType,
  isNumeric,
  type SqlType,
} from '../types/sql-type.ts'
import { castValue, isCastSupported } from './cast-value.ts'
import { compileLambdaCall, LAMBDA_FUNCTIONS } from './compile-lambda-call.ts'
import { valuesEqual } from './compare-values.ts'
import type { Row } from './row.ts'
import { StatementError } from './statement-error.ts'
import { compileArithmetic, compileConcat, compileNegate } from './compile-arithmetic.ts'
import {
  coerceTo,
  commonType,
  compileArrayCtor,
  compileMapCtor,
  compileStructCtor,
} from './compile-constructors.ts'
import {
  compileBetween,
  compileComparison,
  compileIn,
  compileIsNull,
  compileLike,
  compileLogical,
  compileNot,
  timeBoundOperands,
} from './compile-predicates.ts'

export { likeToRegExp } from './compile-predicates.ts'

export type Evaluator = (row: Row) => unknown

/** A typed, compiled expression. `type` null = the NULL literal (type unknown). */
export interface Compiled {
  readonly type: SqlType | null
  readonly evaluate: Evaluator
  /** Set for literals: lets functions such as TOPK(x, 3) see constants at resolve time. */
  readonly literal?: { readonly value: unknown }
}

export interface CompileScope {
  readonly functions: FunctionRegistry
  /** Resolves a column reference; throws StatementError when unknown. */
  resolveColumn(qualifier: string | null, name: string): Compiled
  /** Lets aggregation replace grouping expressions and aggregate calls with references to their results. */
  substitute?(expr: Expression): Compiled | undefined
  /** Called for an aggregate call that was not substituted (aggregates not allowed here). */
  onAggregate?(expr: Expression & { kind: 'call' }): never
  /**
   * At run time, a function that fails on a row gives NULL for that call only (ksqlDB logs the
   * error and goes on with the expression, so `ARRAY[44, bad(x)]` is `[44, NULL]`). Without it the
   * error reaches the operator, which nulls the whole column.
   */
  onCallError?(message: string, row: Row): void
}

/** Compiles a sub-expression in the same scope. */
export type CompileChild = (e: Expression) => Compiled

/** Compiles an expression once into a closure; all type errors surface here with ksqlDB's wording. */
export function compileExpression(expr: Expression, scope: CompileScope): Compiled {
  const substituted = scope.substitute?.(expr)
  if (substituted !== undefined) return substituted
  const c: CompileChild = (e) => compileExpression(e, scope)
  switch (expr.kind) {
    case 'literal':
      return compileLiteral(expr)
    case 'column':
      return scope.resolveColumn(expr.qualifier, expr.name)
    case 'deref':
      return compileDeref(expr, c(expr.base))
    case 'subscript':
      return compileSubscript(expr, c(expr.base), c(expr.index))
    case 'arith':
      return compileArithmetic(expr.op, c(expr.left), c(expr.right), expr)
    case 'concatOp':
      return compileConcat(expr, c)
    case 'comparison':
      return compileComparison(expr, ...timeBoundOperands(expr, c(expr.left), c(expr.right)))
    case 'logical':
      return compileLogical(expr, c)
    case 'not':
      return compileNot(expr, c)
    case 'negate':
      return compileNegate(expr, c)
    case 'isNull':
      return compileIsNull(expr, c)
    case 'between':
      return compileBetween(expr, c)
    case 'in':
      return compileIn(expr, c)
    case 'like':
      return compileLike(expr, c(expr.operand), c(expr.pattern))
    case 'case':
      return compileCase(expr, scope)
    case 'cast':
      return compileCast(expr, c)
    case 'call':
      return compileCall(expr, scope)
    case 'arrayCtor':
      return compileArrayCtor(expr, c)
    case 'mapCtor':
      return compileMapCtor(expr, c)
    case 'structCtor':
      return compileStructCtor(expr, c)
    case 'lambda':
      throw new StatementError(
        `Lambda expressions are only allowed as arguments of TRANSFORM, FILTER and REDUCE: ${formatExpression(expr)}`,
      )
    default:
      return assertNever(expr, 'expression')
  }
}

function compileCast(expr: Expression & { kind: 'cast' }, c: CompileChild): Compiled {
  const o = c(expr.operand)
  const to = expr.type
  if (o.type !== null && !isCastSupported(o.type, to)) {
    throw new StatementError(
      `Invalid Select: Cast of ${formatSqlType(o.type)} to ${formatSqlType(to)} is not supported`,
    )
  }
  const from = o.type
  return { type: to, evaluate: (row) => castValue(o.evaluate(row), from, to) }
}

function compileLiteral(expr: Expression & { kind: 'literal' }): Compiled {
  const constant = (type: SqlType | null, value: unknown): Compiled => ({
    type,
    evaluate: () => value,
    literal: { value },
  })
  switch (expr.type) {
    case 'NULL':
      return constant(null, null)
    case 'STRING':
      return constant(STRING, expr.value)
    case 'BOOLEAN':
      return constant(BOOLEAN, expr.value)
    case 'INTEGER':
      return constant(INTEGER, expr.value)
    case 'BIGINT':
      return constant(BIGINT, expr.value)
    case 'DOUBLE':
      return constant(DOUBLE, expr.value)
    case 'DECIMAL': {
      const d = Decimal.parse(String(expr.value))
      const precision = Math.max(d.precision(), d.scale)
      return constant({ kind: 'DECIMAL', precision, scale: Math.max(d.scale, 0) }, d)
    }
  }
}

function compileDeref(expr: Expression & { kind: 'deref' }, base: Compiled): Compiled {
  if (base.type === null || base.type.kind !== 'STRUCT') {
    throw new StatementError(
      `Expected STRUCT type for ${formatExpression(expr.base)} but got ${base.type === null ? 'NULL' : formatSqlType(base.type)}`,
    )
  }
  const field =
    base.type.fields.find((f) => f.name === expr.field) ??
    base.type.fields.find((f) => f.name.toUpperCase() === expr.field.toUpperCase())
  if (field === undefined)
    throw new StatementError(`Could not find field '${expr.field}' in '${formatExpression(expr.base)}'.`)
  const name = field.name
  return {
    type: field.type,
    evaluate: (row) => {
      const v = base.evaluate(row) as Record<string, unknown> | null
      if (v === null || v === undefined) return null
      return v[name] ?? null
    },
  }
}

function compileSubscript(
  expr: Expression & { kind: 'subscript' },
  base: Compiled,
  index: Compiled,
): Compiled {
  const t = base.type
  if (t?.kind === 'ARRAY') {
    return {
      type: t.element,
      evaluate: (row) => {
        const arr = base.evaluate(row) as unknown[] | null
        const i = index.evaluate(row) as number | null
        if (arr === null || i === null) return null
        const pos = i > 0 ? i - 1 : arr.length + i
        if (i === 0 || pos < 0 || pos >= arr.length) return null
        return arr[pos] ?? null
      },
    }
  }
  if (t?.kind === 'MAP') {
    return {
      type: t.value,
      evaluate: (row) => {
        const m = base.evaluate(row) as Map<string, unknown> | null
        const k = index.evaluate(row)
        if (m === null || k === null) return null
        return m.get(String(k)) ?? null
      },
    }
  }
  throw new StatementError(
    `Unsupported subscript on ${formatExpression(expr.base)}: ${t === null ? 'NULL' : formatSqlType(t)}`,
  )
}

function compileCase(expr: Expression & { kind: 'case' }, scope: CompileScope): Compiled {
  const c: CompileChild = (e) => compileExpression(e, scope)
  const operand = expr.operand === null ? null : c(expr.operand)
  const whens = expr.whens.map((w) => ({ when: c(w.when), then: c(w.then) }))
  const otherwise = expr.otherwise === null ? null : c(expr.otherwise)
  const results = [...whens.map((w) => w.then), ...(otherwise === null ? [] : [otherwise])]
  const type = commonType(results.map((r) => r.type))
  if (type === null) throw new StatementError('Invalid Case expression. All case branches have NULL type')
  for (const r of results) {
    if (r.type !== null && r.type.kind !== type.kind && !(isNumeric(r.type) && isNumeric(type))) {
      throw new StatementError(
        `Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression '${formatExpression(expr.whens[results.indexOf(r)]?.then ?? expr)}' has type: ${formatSqlType(r.type)}. Previous THEN expression(s) type: ${formatSqlType(type)}.`,
      )
    }
  }
  if (operand === null) {
    for (const w of whens) {
      if (w.when.type !== null && w.when.type.kind !== 'BOOLEAN') {
        throw new StatementError(`WHEN operand type should be boolean.`)
      }
    }
  }
  return {
    type,
    evaluate: (row) => {
      const subject = operand === null ? undefined : operand.evaluate(row)
      for (const w of whens) {
        if (operand === null) {
          if (w.when.evaluate(row) === true) return coerceTo(w.then.evaluate(row), w.then.type, type)
        } else {
          const candidate = w.when.evaluate(row)
          if (subject !== null && candidate !== null && valuesEqual(subject, candidate)) {
            return coerceTo(w.then.evaluate(row), w.then.type, type)
          }
        }
      }
      return otherwise === null ? null : coerceTo(otherwise.evaluate(row), otherwise.type, type)
    },
  }
}

function compileCall(expr: Expression & { kind: 'call' }, scope: CompileScope): Compiled {
  if (scope.functions.isAggregate(expr.name)) {
    if (scope.onAggregate !== undefined) return scope.onAggregate(expr)
    throw new StatementError(`Aggregate functions can not be used here: ${formatExpression(expr)}`)
  }
  if (LAMBDA_FUNCTIONS.has(expr.name) && expr.args.some((a) => a.kind === 'lambda')) {
    return compileLambdaCall(expr, scope, compileExpression)
  }
  const args = expr.args.map((a) => compileExpression(a, scope))
  if (expr.name === 'AS_VALUE' && args.length === 1) return args[0] as Compiled
  const fn = scope.functions.scalar(expr.name)
  if (fn === undefined) throw new StatementError(`Can't find any functions with the name '${expr.name}'`)
  const infos: ArgumentInfo[] = args.map((a) =>
    a.literal !== undefined ? { type: a.type, literal: a.literal } : { type: a.type },
  )
  const resolution = fn.resolve(infos)
  if (!resolution.ok) throw new StatementError(resolution.message)
  const resolved = resolution.value
  const evaluators = args.map((a) => a.evaluate)
  const n = evaluators.length
  const onCallError = scope.onCallError
  const invoke = (values: unknown[], row: Row): unknown => {
    if (onCallError === undefined) return resolved.invoke(values)
    try {
      return resolved.invoke(values)
    } catch (error) {
      onCallError(describeRecordError(error), row)
      return null
    }
  }
  return {
    type: resolved.returnType,
    evaluate: (row) => {
      const values = new Array<unknown>(n)
      for (let i = 0; i < n; i++) values[i] = (evaluators[i] as Evaluator)(row)
      const result = invoke(values, row)
      return result === undefined ? null : result
    },
  }
}

/** Evaluates, turning record-level failures into a thrown RecordError with context. */
export function describeRecordError(error: unknown): string {
  if (error instanceof RecordError) return error.message
  return error instanceof Error ? error.message : String(error)
}
