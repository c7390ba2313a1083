import { coerceInList } from './compile-in.ts'
import type { Expression } from './nodes.ts'
import { formatExpression } from './format-sql.ts'
import { BIGINT, BOOLEAN, formatSqlType, isNumeric, type SqlType } from '../types/sql-type.ts'
import { castValue, valueToString } from './cast-value.ts'
import { parseTimestampLiteral } from './parse-timestamp-literal.ts'
import { compareValues, valuesEqual } from './compare-values.ts'
import { StatementError } from './statement-error.ts'
import type { CompileChild, Compiled } from './compile-expression.ts'

export function compileLogical(expr: Expression & { kind: 'logical' }, c: CompileChild): Compiled {
  const l = c(expr.left)
  const r = c(expr.right)
  requireBoolean(l, expr.left)
  requireBoolean(r, expr.right)
  if (expr.op === 'AND') {
    return {
      type: BOOLEAN,
      evaluate: (row) => {
        const a = l.evaluate(row)
        if (a === false) return false
        const b = r.evaluate(row)
        if (b === false) return false
        return a === null || b === null ? null : true
      },
    }
  }
  return {
    type: BOOLEAN,
    evaluate: (row) => {
      const a = l.evaluate(row)
      if (a === true) return true
      const b = r.evaluate(row)
      if (b === true) return true
      return a === null || b === null ? null : false
    },
  }
}

export function compileNot(expr: Expression & { kind: 'not' }, c: CompileChild): Compiled {
  const o = c(expr.operand)
  requireBoolean(o, expr.operand)
  return {
    type: BOOLEAN,
    evaluate: (row) => {
      const v = o.evaluate(row)
      return v === null ? null : !v
    },
  }
}

export function compileIsNull(expr: Expression & { kind: 'isNull' }, c: CompileChild): Compiled {
  const o = c(expr.operand)
  const negated = expr.negated
  return { type: BOOLEAN, evaluate: (row) => (o.evaluate(row) === null) !== negated }
}

export function compileBetween(expr: Expression & { kind: 'between' }, c: CompileChild): Compiled {
  const o = c(expr.operand)
  const lo = c(expr.low)
  const hi = c(expr.high)
  // ksqlDB checks BETWEEN as `operand >= low AND operand <= high`.
  checkBetweenBound(o, lo, 'GREATER_THAN_OR_EQUAL', expr.operand, expr.low)
  checkBetweenBound(o, hi, 'LESS_THAN_OR_EQUAL', expr.operand, expr.high)
  const negated = expr.negated
  return {
    type: BOOLEAN,
    evaluate: (row) => {
      const v = o.evaluate(row)
      const a = lo.evaluate(row)
      const b = hi.evaluate(row)
      if (v === null || a === null || b === null) return null
      const inside = compareValues(v, a) >= 0 && compareValues(v, b) <= 0
      return inside !== negated
    },
  }
}

export function compileIn(expr: Expression & { kind: 'in' }, c: CompileChild): Compiled {
  const compiled = expr.list.map(c)
  const common = coerceInList(c(expr.operand), expr.list, compiled, c)
  const o = common?.operand ?? c(expr.operand)
  const items = common?.items ?? expr.list.map((item, i) => coerceInItem(o, item, compiled[i] as Compiled))
  const negated = expr.negated
  return {
    type: BOOLEAN,
    evaluate: (row) => {
      const v = o.evaluate(row)
      if (v === null) return null
      let sawNull = false
      for (const item of items) {
        const x = item.evaluate(row)
        if (x === null) sawNull = true
        else if (valuesEqual(v, x)) return !negated
      }
      return sawNull ? null : negated
    },
  }
}

/**
 * IN lists: literals are converted to the operand's type (`'4.000'` for an INT, `10` for a STRING,
 * `'y'` for a BOOLEAN); other expressions must already be comparable.
 */
export function coerceInItem(operand: Compiled, expr: Expression, item: Compiled): Compiled {
  const target = operand.type
  if (target === null || item.type === null) return item
  if (isComparable(target, item.type) && !(target.kind === 'STRING') === !(item.type.kind === 'STRING'))
    return item
  if (item.literal !== undefined) {
    const value = item.literal.value
    const constant = (v: unknown): Compiled => ({ type: target, evaluate: () => v, literal: { value: v } })
    const invalid = (): never => {
      throw new StatementError(
        `Invalid Predicate: invalid input syntax for type ${formatSqlType(target)}: "${String(value)}".`,
      )
    }
    if (target.kind === 'STRING') return constant(valueToString(value, item.type))
    if (typeof value === 'string') {
      if (isNumeric(target)) {
        const n = Number(value.trim())
        if (value.trim() === '' || Number.isNaN(n)) return invalid()
        return constant(castValue(value, { kind: 'STRING' }, target))
      }
      if (target.kind === 'BOOLEAN') {
        const lower = value.trim().toLowerCase()
        if (lower === '') return invalid()
        if ('true'.startsWith(lower) || 'yes'.startsWith(lower)) return constant(true)
        if ('false'.startsWith(lower) || 'no'.startsWith(lower)) return constant(false)
        return invalid()
      }
    }
  }
  if (isComparable(target, item.type)) return item
  throw new StatementError(
    `Invalid Predicate: operator does not exist: ${formatSqlType(target)} = ${formatSqlType(item.type)} (${formatExpression(expr)})\nHint: You might need to add explicit type casts.`,
  )
}

export function typeName(t: SqlType | null): string {
  return t === null ? 'NULL' : formatSqlType(t)
}

export function isComparable(a: SqlType, b: SqlType): boolean {
  if (isNumeric(a) && isNumeric(b)) return true
  if (a.kind === b.kind) return true
  const times = ['TIMESTAMP', 'DATE', 'TIME']
  if (a.kind === 'STRING' && times.includes(b.kind)) return true
  if (b.kind === 'STRING' && times.includes(a.kind)) return true
  return false
}

/**
 * A BETWEEN bound that cannot be compared with the operand. Pull queries report it apart
 * ("Invalid expression: ..."): ksqlDB rewrites their BETWEEN into two comparisons first.
 */
export class BetweenTypeError extends StatementError {}

function checkBetweenBound(a: Compiled, b: Compiled, op: string, left: Expression, right: Expression): void {
  if (a.type === null || b.type === null) return
  if (!isComparable(a.type, b.type)) {
    throw new BetweenTypeError(
      `Cannot compare ${formatExpression(left)} (${typeName(a.type)}) to ${formatExpression(right)} (${typeName(b.type)}) with ${op}.`,
    )
  }
}

export const TIME_BOUNDS = new Set(['WINDOWSTART', 'WINDOWEND', 'ROWTIME'])

/** `WINDOWSTART >= '2020-02-23T23:45'`: a text literal compared with a time bound becomes epoch ms. */
export function timeBoundOperands(
  expr: Expression & { kind: 'comparison' },
  l: Compiled,
  r: Compiled,
): [Compiled, Compiled] {
  const isBound = (e: Expression): boolean => e.kind === 'column' && TIME_BOUNDS.has(e.name)
  const asTime = (c: Compiled): Compiled => {
    const ms = parseTimestampLiteral(String(c.literal?.value))
    return { type: BIGINT, evaluate: () => ms, literal: { value: ms } }
  }
  if (isBound(expr.left) && r.type?.kind === 'STRING' && r.literal !== undefined) return [l, asTime(r)]
  if (isBound(expr.right) && l.type?.kind === 'STRING' && l.literal !== undefined) return [asTime(l), r]
  return [l, r]
}

export const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
  'IS DISTINCT FROM': 'IS_DISTINCT_FROM',
  'IS NOT DISTINCT FROM': 'IS_NOT_DISTINCT_FROM',
}

export function compileComparison(
  expr: Expression & { kind: 'comparison' },
  l: Compiled,
  r: Compiled,
): Compiled {
  if (l.type === null && r.type === null && !expr.op.includes('DISTINCT')) {
    throw new StatementError(`Comparison with NULL not supported: NULL ${expr.op} NULL`)
  }
  if (l.type !== null && r.type !== null && !isComparable(l.type, r.type)) {
    throw new StatementError(
      `Cannot compare ${formatExpression(expr.left)} (${typeName(l.type)}) to ${formatExpression(expr.right)} (${typeName(r.type)}) with ${OPERATOR_NAMES[expr.op]}.`,
    )
  }
  for (const side of [l, r]) {
    const k = side.type?.kind
    if (
      (k === 'ARRAY' || k === 'MAP' || k === 'STRUCT') &&
      expr.op !== '=' &&
      expr.op !== '<>' &&
      !expr.op.includes('DISTINCT')
    ) {
      throw new StatementError(
        `Cannot compare ${formatExpression(expr.left)} (${typeName(l.type)}) to ${formatExpression(expr.right)} (${typeName(r.type)}) with ${OPERATOR_NAMES[expr.op]}.`,
      )
    }
  }
  const le = l.evaluate
  const re = r.evaluate
  const op = expr.op
  if (op === 'IS DISTINCT FROM' || op === 'IS NOT DISTINCT FROM') {
    const distinct = op === 'IS DISTINCT FROM'
    return {
      type: BOOLEAN,
      evaluate: (row) => {
        const a = le(row)
        const b = re(row)
        const same = a === null || b === null ? a === b : valuesEqual(a, b)
        return same !== distinct
      },
    }
  }
  return {
    type: BOOLEAN,
    evaluate: (row) => {
      const a = le(row)
      const b = re(row)
      // ksqlDB's generated code answers false (not NULL) when either side is null.
      if (a === null || b === null) return false
      switch (op) {
        case '=':
          return valuesEqual(a, b)
        case '<>':
          return !valuesEqual(a, b)
        case '<':
          return compareValues(a, b) < 0
        case '<=':
          return compareValues(a, b) <= 0
        case '>':
          return compareValues(a, b) > 0
        case '>=':
          return compareValues(a, b) >= 0
      }
    },
  }
}

export function requireBoolean(c: Compiled, expr: Expression): void {
  if (c.type !== null && c.type.kind !== 'BOOLEAN') {
    throw new StatementError(
      `Type mismatch: ${formatExpression(expr)} is ${formatSqlType(c.type)}, expected BOOLEAN`,
    )
  }
}

/** SQL LIKE → anchored RegExp: `%` any run, `_` one char, optional escape character. */
export function likeToRegExp(pattern: string, escape: string | null): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (escape !== null && ch === escape && i + 1 < pattern.length) {
      source += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    } else if (ch === '%') source += '[\\s\\S]*'
    else if (ch === '_') source += '[\\s\\S]'
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 'u')
}

export function compileLike(expr: Expression & { kind: 'like' }, o: Compiled, p: Compiled): Compiled {
  const negated = expr.negated
  const escape = expr.escape
  if (p.literal !== undefined && typeof p.literal.value === 'string') {
    const regex = likeToRegExp(p.literal.value, escape)
    return {
      type: BOOLEAN,
      evaluate: (row) => {
        const v = o.evaluate(row)
        return v === null ? null : regex.test(v as string) !== negated
      },
    }
  }
  return {
    type: BOOLEAN,
    evaluate: (row) => {
      const v = o.evaluate(row)
      const pat = p.evaluate(row)
      if (v === null || pat === null) return null
      return likeToRegExp(pat as string, escape).test(v as string) !== negated
    },
  }
}
