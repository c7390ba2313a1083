import type { Expression } from './nodes.ts'
import { BOOLEAN, formatSqlType, type SqlType } from '../types/sql-type.ts'
import type { CompileScope, Compiled, Evaluator } from './compile-expression.ts'
import { StatementError } from './statement-error.ts'

type CompileFn = (expr: Expression, scope: CompileScope) => Compiled

/** Functions whose arguments include lambdas; they need the compiler, not just values. */
export const LAMBDA_FUNCTIONS = new Set(['TRANSFORM', 'FILTER', 'REDUCE'])

/**
 * TRANSFORM / FILTER / REDUCE over arrays and maps. Lambda parameters are bound in slots that the
 * compiled body reads, so each call evaluates without allocating closures per record.
 */
export function compileLambdaCall(
  expr: Expression & { kind: 'call' },
  scope: CompileScope,
  compile: CompileFn,
): Compiled {
  const [first, ...rest] = expr.args
  if (first === undefined) throw new StatementError(`Function '${expr.name}' requires arguments`)
  const collection = compile(first, scope)
  const t = collection.type
  const lambdaAt = (i: number): Expression & { kind: 'lambda' } => {
    const arg = rest[i]
    if (arg?.kind !== 'lambda') throw new StatementError(`Function '${expr.name}' expects a lambda argument`)
    return arg
  }
  const bind = (lambda: Expression & { kind: 'lambda' }, types: readonly SqlType[]) => {
    if (lambda.params.length !== types.length) {
      throw new StatementError(
        `Was expecting ${types.length} arguments to lambda function but got ${lambda.params.length}`,
      )
    }
    const slots: unknown[] = new Array<unknown>(types.length).fill(null)
    const inner: CompileScope = {
      ...scope,
      resolveColumn(qualifier, name) {
        const i = qualifier === null ? lambda.params.indexOf(name) : -1
        if (i >= 0) return { type: types[i] as SqlType, evaluate: () => slots[i] }
        return scope.resolveColumn(qualifier, name)
      },
    }
    const body = compile(lambda.body, inner)
    return { slots, body }
  }
  const evaluateCollection: Evaluator = collection.evaluate
  const call: LambdaCall = { expr, t, rest, scope, compile, bind, lambdaAt, evaluateCollection }
  switch (expr.name) {
    case 'TRANSFORM':
      return compileTransform(call) ?? unsupported(expr, t)
    case 'FILTER':
      return compileFilter(call) ?? unsupported(expr, t)
    case 'REDUCE':
      return compileReduce(call) ?? unsupported(expr, t)
    default:
      return unsupported(expr, t)
  }
}

function unsupported(expr: Expression & { kind: 'call' }, t: SqlType | null): never {
  throw new StatementError(
    `Function '${expr.name}' does not accept parameters (${t === null ? 'null' : formatSqlType(t)}, LAMBDA).`,
  )
}

/** One TRANSFORM / FILTER / REDUCE call being compiled: its collection and how to bind its lambdas. */
interface LambdaCall {
  readonly expr: Expression & { kind: 'call' }
  readonly t: SqlType | null
  readonly rest: readonly Expression[]
  readonly scope: CompileScope
  readonly compile: CompileFn
  readonly bind: (
    lambda: Expression & { kind: 'lambda' },
    types: readonly SqlType[],
  ) => { slots: unknown[]; body: Compiled }
  readonly lambdaAt: (i: number) => Expression & { kind: 'lambda' }
  readonly evaluateCollection: Evaluator
}

function compileTransform(call: LambdaCall): Compiled | null {
  const { t, bind, lambdaAt, evaluateCollection } = call
  if (t?.kind === 'ARRAY') {
    const { slots, body } = bind(lambdaAt(0), [t.element])
    return {
      type: { kind: 'ARRAY', element: body.type ?? t.element },
      evaluate: (row) => {
        const arr = evaluateCollection(row) as unknown[] | null
        if (arr === null) return null
        return arr.map((v) => {
          slots[0] = v
          return body.evaluate(row)
        })
      },
    }
  }
  if (t?.kind === 'MAP') {
    const k = bind(lambdaAt(0), [t.key, t.value])
    const v = bind(lambdaAt(1), [t.key, t.value])
    return {
      type: { kind: 'MAP', key: k.body.type ?? t.key, value: v.body.type ?? t.value },
      evaluate: (row) => {
        const m = evaluateCollection(row) as Map<string, unknown> | null
        if (m === null) return null
        const out = new Map<string, unknown>()
        for (const [key, value] of m) {
          k.slots[0] = key
          k.slots[1] = value
          v.slots[0] = key
          v.slots[1] = value
          out.set(String(k.body.evaluate(row)), v.body.evaluate(row))
        }
        return out
      },
    }
  }
  return null
}

function compileFilter(call: LambdaCall): Compiled | null {
  const { expr, t, bind, lambdaAt, evaluateCollection } = call
  if (t?.kind === 'ARRAY') {
    const { slots, body } = bind(lambdaAt(0), [t.element])
    requireBoolean(body, expr)
    return {
      type: t,
      evaluate: (row) => {
        const arr = evaluateCollection(row) as unknown[] | null
        if (arr === null) return null
        return arr.filter((v) => {
          slots[0] = v
          return body.evaluate(row) === true
        })
      },
    }
  }
  if (t?.kind === 'MAP') {
    const { slots, body } = bind(lambdaAt(0), [t.key, t.value])
    requireBoolean(body, expr)
    return {
      type: t,
      evaluate: (row) => {
        const m = evaluateCollection(row) as Map<string, unknown> | null
        if (m === null) return null
        const out = new Map<string, unknown>()
        for (const [key, value] of m) {
          slots[0] = key
          slots[1] = value
          if (body.evaluate(row) === true) out.set(key, value)
        }
        return out
      },
    }
  }
  return null
}

function compileReduce(call: LambdaCall): Compiled | null {
  const { t, rest, scope, compile, bind, evaluateCollection } = call
  const initialExpr = rest[0]
  if (initialExpr === undefined) return null
  const initial = compile(initialExpr, scope)
  const stateType = initial.type ?? BOOLEAN
  const lambda = rest[1]
  if (lambda?.kind !== 'lambda') return null
  if (t?.kind === 'ARRAY') {
    const { slots, body } = bind(lambda, [stateType, t.element])
    return {
      type: stateType,
      evaluate: (row) => {
        const arr = evaluateCollection(row) as unknown[] | null
        let state = initial.evaluate(row)
        if (arr === null) return state
        for (const v of arr) {
          slots[0] = state
          slots[1] = v
          state = body.evaluate(row)
        }
        return state
      },
    }
  }
  if (t?.kind === 'MAP') {
    const { slots, body } = bind(lambda, [stateType, t.key, t.value])
    return {
      type: stateType,
      evaluate: (row) => {
        const m = evaluateCollection(row) as Map<string, unknown> | null
        let state = initial.evaluate(row)
        if (m === null) return state
        for (const [key, value] of m) {
          slots[0] = state
          slots[1] = key
          slots[2] = value
          state = body.evaluate(row)
        }
        return state
      },
    }
  }
  return null
}

function requireBoolean(body: Compiled, expr: Expression & { kind: 'call' }): void {
  if (body.type !== null && body.type.kind !== 'BOOLEAN') {
    throw new StatementError(`Function '${expr.name}' expects a lambda returning BOOLEAN`)
  }
}
