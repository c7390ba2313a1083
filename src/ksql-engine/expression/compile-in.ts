import type { Expression } from './nodes.ts'
import { formatExpression } from './format-sql.ts'
import { createCoercer, resolveCommonType } from '../types/coercion.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import type { Compiled } from './compile-expression.ts'
import { StatementError } from './statement-error.ts'

const CONSTRUCTORS: ReadonlySet<Expression['kind']> = new Set(['arrayCtor', 'mapCtor', 'structCtor'])
const HINT = '\nHint: You might need to add explicit type casts.'

/** A constructor's element that cannot take the list's type: reported for the whole constructor. */
class ConstructorMismatch extends Error {}

/**
 * `x IN (a, b, ...)` as ksqlDB types it (CoercionUtil over the operand and the list): one common
 * type, numbers widened (`INT IN ('2147483648')` compares as BIGINT), text literals converted
 * (also inside ARRAY/MAP/STRUCT constructors, element by element), and its errors
 * ("Invalid Predicate: ..."). Null when the operand has no type (the caller's rules apply).
 */
export function coerceInList(
  operand: Compiled,
  list: readonly Expression[],
  items: readonly Compiled[],
  compile: (e: Expression) => Compiled,
): { readonly operand: Compiled; readonly items: readonly Compiled[] } | null {
  if (operand.type === null) return null
  const plain = list.flatMap((e, i) => (CONSTRUCTORS.has(e.kind) ? [] : [i]))
  const all = [operand, ...plain.map((i) => items[i] as Compiled)]
  const common = resolveCommonType(all)
  if (!common.ok) {
    const item = all[common.index] as Compiled
    const expr = list[plain[common.index - 1] as number] as Expression
    if (common.reason === 'literal') throw literalError(common.target, item.literal?.value)
    throw mismatchError(common.target, item.type ?? common.target, expr)
  }
  const target = common.type ?? operand.type
  const coerced = (c: Compiled): Compiled => {
    const convert = createCoercer(c, target)
    return { type: target, evaluate: (row) => convert(c.evaluate(row)) }
  }
  return {
    operand: coerced(operand),
    items: list.map((e, i) => {
      const item = items[i] as Compiled
      if (!CONSTRUCTORS.has(e.kind)) return coerced(item)
      try {
        return toTarget(e, target, compile)
      } catch (error) {
        if (error instanceof ConstructorMismatch) throw mismatchError(target, item.type ?? target, e)
        throw error
      }
    }),
  }
}

/** A constructor (or one of its elements) built directly in the target type. */
function toTarget(expr: Expression, target: SqlType, compile: (e: Expression) => Compiled): Compiled {
  if (expr.kind === 'arrayCtor' && target.kind === 'ARRAY') {
    const elements = expr.items.map((e) => toTarget(e, target.element, compile))
    return { type: target, evaluate: (row) => elements.map((e) => e.evaluate(row)) }
  }
  if (expr.kind === 'mapCtor' && target.kind === 'MAP') {
    const keys = expr.entries.map((e) => toTarget(e.key, target.key, compile))
    const values = expr.entries.map((e) => toTarget(e.value, target.value, compile))
    return {
      type: target,
      evaluate: (row) =>
        new Map(keys.map((k, i) => [k.evaluate(row), (values[i] as Compiled).evaluate(row)])),
    }
  }
  if (expr.kind === 'structCtor' && target.kind === 'STRUCT') {
    const fields = expr.fields.map((f) => {
      const type = target.fields.find((t) => t.name === f.name)?.type
      return { name: f.name, value: type === undefined ? compile(f.value) : toTarget(f.value, type, compile) }
    })
    return {
      type: target,
      evaluate: (row) => {
        const out: Record<string, unknown> = {}
        for (const f of target.fields) out[f.name] = null
        for (const f of fields) out[f.name] = f.value.evaluate(row)
        return out
      },
    }
  }
  if (CONSTRUCTORS.has(expr.kind)) throw new ConstructorMismatch()
  const compiled = compile(expr)
  if (compiled.type === null) return compiled
  const common = resolveCommonType([{ type: target }, compiled])
  if (!common.ok) {
    if (common.reason === 'literal') throw literalError(target, compiled.literal?.value)
    throw new ConstructorMismatch()
  }
  const convert = createCoercer(compiled, target)
  return { type: target, evaluate: (row) => convert(compiled.evaluate(row)) }
}

function literalError(target: SqlType, value: unknown): StatementError {
  return new StatementError(
    `Invalid Predicate: invalid input syntax for type ${target.kind}: "${String(value)}".`,
  )
}

function mismatchError(target: SqlType, found: SqlType, expr: Expression): StatementError {
  return new StatementError(
    `Invalid Predicate: operator does not exist: ${formatSqlType(target)} = ${formatSqlType(found)} (${formatExpression(expr)})${HINT}`,
  )
}
