import { assertNever } from '../../shared/assert-never.ts'
import type { Expression } from './nodes.ts'
import { formatExpression } from './format-sql.ts'

/** Removes source qualifiers (`S.COL` → `COL`) so equal expressions compare equal by text. */
export function stripQualifiers(expr: Expression): Expression {
  return mapExpression(expr, (e) =>
    e.kind === 'column' && e.qualifier !== null ? { ...e, qualifier: null } : e,
  )
}

export function expressionKey(expr: Expression): string {
  return formatExpression(stripQualifiers(expr))
}

/** Bottom-up rewrite. */
export function mapExpression(expr: Expression, f: (e: Expression) => Expression): Expression {
  const m = (e: Expression): Expression => mapExpression(e, f)
  switch (expr.kind) {
    case 'literal':
    case 'column':
      return f(expr)
    case 'deref':
      return f({ ...expr, base: m(expr.base) })
    case 'subscript':
      return f({ ...expr, base: m(expr.base), index: m(expr.index) })
    case 'arith':
    case 'comparison':
    case 'logical':
    case 'concatOp':
      return f({ ...expr, left: m(expr.left), right: m(expr.right) } as Expression)
    case 'not':
    case 'negate':
      return f({ ...expr, operand: m(expr.operand) })
    case 'isNull':
      return f({ ...expr, operand: m(expr.operand) })
    case 'between':
      return f({ ...expr, operand: m(expr.operand), low: m(expr.low), high: m(expr.high) })
    case 'in':
      return f({ ...expr, operand: m(expr.operand), list: expr.list.map(m) })
    case 'like':
      return f({ ...expr, operand: m(expr.operand), pattern: m(expr.pattern) })
    case 'case':
      return f({
        ...expr,
        operand: expr.operand === null ? null : m(expr.operand),
        whens: expr.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        otherwise: expr.otherwise === null ? null : m(expr.otherwise),
      })
    case 'cast':
      return f({ ...expr, operand: m(expr.operand) })
    case 'call':
      return f({ ...expr, args: expr.args.map(m) })
    case 'arrayCtor':
      return f({ ...expr, items: expr.items.map(m) })
    case 'mapCtor':
      return f({ ...expr, entries: expr.entries.map((e) => ({ key: m(e.key), value: m(e.value) })) })
    case 'structCtor':
      return f({ ...expr, fields: expr.fields.map((x) => ({ name: x.name, value: m(x.value) })) })
    case 'lambda':
      return f({ ...expr, body: m(expr.body) })
    default:
      return assertNever(expr, 'expression')
  }
}

/** Visits every node, parents first; return false from `visit` to skip a subtree. */
export function visitExpression(expr: Expression, visit: (e: Expression) => boolean | void): void {
  if (visit(expr) === false) return
  const v = (e: Expression): void => visitExpression(e, visit)
  switch (expr.kind) {
    case 'literal':
    case 'column':
      return
    case 'deref':
      return v(expr.base)
    case 'subscript':
      v(expr.base)
      return v(expr.index)
    case 'arith':
    case 'comparison':
    case 'logical':
    case 'concatOp':
      v(expr.left)
      return v(expr.right)
    case 'not':
    case 'negate':
    case 'isNull':
    case 'cast':
      return v(expr.operand)
    case 'between':
      v(expr.operand)
      v(expr.low)
      return v(expr.high)
    case 'in':
      v(expr.operand)
      return expr.list.forEach(v)
    case 'like':
      v(expr.operand)
      return v(expr.pattern)
    case 'case':
      if (expr.operand !== null) v(expr.operand)
      expr.whens.forEach((w) => {
        v(w.when)
        v(w.then)
      })
      if (expr.otherwise !== null) v(expr.otherwise)
      return
    case 'call':
      return expr.args.forEach(v)
    case 'arrayCtor':
      return expr.items.forEach(v)
    case 'mapCtor':
      return expr.entries.forEach((e) => {
        v(e.key)
        v(e.value)
      })
    case 'structCtor':
      return expr.fields.forEach((f) => v(f.value))
    case 'lambda':
      return v(expr.body)
    default:
      return assertNever(expr, 'expression')
  }
}
