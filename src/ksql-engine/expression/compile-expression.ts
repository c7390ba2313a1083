import { parseSqlBoolean } from '../types/coercion.ts'
import { coerceInList } from './compile-in.ts'
import { assertNever } from '../../shared/assert-never.ts'
import type { ArgumentInfo, FunctionRegistry } from '../functions/function-types.ts'
import type { Expression } from '../parser/ast.ts'
import { formatExpression } from '../parser/format-sql.ts'
import { Decimal, fitDecimal, isDecimal } from '../types/decimal.ts'
import { arithmeticResultType, widerNumeric } from '../types/implicit-cast.ts'
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
import { castValue, isCastSupported, valueToString } from './cast-value.ts'
import { compileLambdaCall, LAMBDA_FUNCTIONS } from './compile-lambda-call.ts'
import { parseTimestampLiteral } from './parse-timestamp-literal.ts'
import { compareValues, valuesEqual } from './compare-values.ts'
import type { Row } from './row.ts'
import { StatementError } from './statement-error.ts'

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

/** Compiles an expression once into a closure; all type errors surface here with ksqlDB's wording. */
export function compileExpression(expr: Expression, scope: CompileScope): Compiled {
  const substituted = scope.substitute?.(expr)
  if (substituted !== undefined) return substituted
  const c = (e: Expression): Compiled => compileExpression(e, scope)
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
    case 'concatOp': {
      const l = c(expr.left)
      const r = c(expr.right)
      return {
        type: STRING,
        evaluate: (row) => {
          const a = l.evaluate(row)
          const b = r.evaluate(row)
          if (a === null || b === null) return null
          return valueToString(a, l.type) + valueToString(b, r.type)
        },
      }
    }
    case 'comparison':
      return compileComparison(expr, ...timeBoundOperands(expr, c(expr.left), c(expr.right)))
    case 'logical': {
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
    case 'not': {
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
    case 'negate': {
      const o = c(expr.operand)
      if (o.type !== null && !isNumeric(o.type))
        throw new StatementError(`Unsupported arithmetic on ${formatSqlType(o.type)}`)
      return {
        type: o.type,
        evaluate: (row) => {
          const v = o.evaluate(row)
          if (v === null) return null
          return isDecimal(v) ? v.negate() : -(v as number)
        },
      }
    }
    case 'isNull': {
      const o = c(expr.operand)
      const negated = expr.negated
      return { type: BOOLEAN, evaluate: (row) => (o.evaluate(row) === null) !== negated }
    }
    case 'between': {
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
    case 'in': {
      const compiled = expr.list.map(c)
      const common = coerceInList(c(expr.operand), expr.list, compiled, c)
      const o = common?.operand ?? c(expr.operand)
      const items =
        common?.items ?? expr.list.map((item, i) => coerceInItem(o, item, compiled[i] as Compiled))
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
    case 'like':
      return compileLike(expr, c(expr.operand), c(expr.pattern))
    case 'case':
      return compileCase(expr, scope)
    case 'cast': {
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
    case 'call':
      return compileCall(expr, scope)
    case 'arrayCtor': {
      if (expr.items.length === 0)
        throw new StatementError(
          'Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).',
        )
      const { type: elementType, items } = unifyLiterals(expr.items.map(c))
      if (elementType === null) {
        throw new StatementError(
          'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
        )
      }
      return {
        type: { kind: 'ARRAY', element: elementType },
        evaluate: (row) => items.map((i) => coerceTo(i.evaluate(row), i.type, elementType)),
      }
    }
    case 'mapCtor': {
      if (expr.entries.length === 0) {
        throw new StatementError(
          'Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).',
        )
      }
      const { type: keyType, items: keys } = unifyLiterals(expr.entries.map((e) => c(e.key)))
      const { type: valueType, items: values } = unifyLiterals(
        expr.entries.map((e) => c(e.value)),
        '.',
      )
      if (keyType === null) throw new StatementError('Cannot construct a map with all NULL keys')
      if (valueType === null) throw new StatementError('Cannot construct a map with all NULL values')
      return {
        type: { kind: 'MAP', key: keyType, value: valueType },
        evaluate: (row) => {
          // A NULL key is kept: ksqlDB's maps hold it, and JSON writes it as the key "null".
          const m = new Map<string | null, unknown>()
          keys.forEach((k, i) => {
            const key = k.evaluate(row)
            m.set(
              key === null ? null : valueToString(key, k.type),
              coerceTo((values[i] as Compiled).evaluate(row), (values[i] as Compiled).type, valueType),
            )
          })
          return m
        },
      }
    }
    case 'structCtor': {
      const duplicate = expr.fields.find((f, i) => expr.fields.findIndex((g) => g.name === f.name) !== i)
      if (duplicate !== undefined)
        throw new StatementError(`Duplicate field names found in STRUCT: ${duplicate.name}`)
      const fields = expr.fields.map((f) => ({ name: f.name, compiled: c(f.value) }))
      return {
        type: {
          kind: 'STRUCT',
          fields: fields.map((f) => ({ name: f.name, type: f.compiled.type ?? STRING })),
        },
        evaluate: (row) => {
          const out: Record<string, unknown> = {}
          for (const f of fields) out[f.name] = f.compiled.evaluate(row)
          return out
        },
      }
    }
    case 'lambda':
      throw new StatementError(
        `Lambda expressions are only allowed as arguments of TRANSFORM, FILTER and REDUCE: ${formatExpression(expr)}`,
      )
    default:
      return assertNever(expr, 'expression')
  }
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

/** Java int arithmetic wraps at 32 bits. */
function wrapInt(n: number): number {
  return n | 0
}

function compileArithmetic(
  op: '+' | '-' | '*' | '/' | '%',
  l: Compiled,
  r: Compiled,
  expr: Expression,
): Compiled {
  if (l.type === null || r.type === null) {
    const name = (t: SqlType | null): string => (t === null ? 'null' : formatSqlType(t))
    throw new StatementError(
      `Error processing expression: ${formatExpression(expr)}. Arithmetic on types ${name(l.type)} and ${name(r.type)} are not supported.`,
    )
  }
  const lt = l.type ?? r.type ?? INTEGER
  const rt = r.type ?? l.type ?? INTEGER
  const type = arithmeticResultType(op, lt, rt)
  if (type === undefined) {
    throw new StatementError(
      `Error processing expression: ${formatExpression(expr)}. Unsupported arithmetic types. ${formatSqlType(lt)} ${formatSqlType(rt)}`,
    )
  }
  const le = l.evaluate
  const re = r.evaluate
  if (type.kind === 'STRING') {
    return {
      type,
      evaluate: (row) => {
        const a = le(row)
        const b = re(row)
        return a === null || b === null ? null : (a as string) + (b as string)
      },
    }
  }
  if (type.kind === 'DECIMAL') {
    const precision = type.precision
    const scale = type.scale
    const toDec = (v: unknown, t: SqlType): Decimal =>
      isDecimal(v)
        ? v
        : t.kind === 'DOUBLE'
          ? Decimal.fromNumber(v as number)
          : Decimal.fromInteger(v as number)
    return {
      type,
      evaluate: (row) => {
        const a = le(row)
        const b = re(row)
        if (a === null || b === null) return null
        const x = toDec(a, lt)
        const y = toDec(b, rt)
        let result: Decimal
        switch (op) {
          case '+':
            result = x.add(y)
            break
          case '-':
            result = x.subtract(y)
            break
          case '*':
            result = x.multiply(y)
            break
          case '/':
            if (y.signum() === 0) return null
            result = x.divide(y, scale)
            break
          case '%':
            if (y.signum() === 0) return null
            result = x.remainder(y)
            break
        }
        return fitDecimal(result, precision, scale)
      },
    }
  }
  const isInt = type.kind === 'INTEGER'
  const isLong = type.kind === 'BIGINT'
  const toNum = (v: unknown): number => (isDecimal(v) ? v.toNumber() : (v as number))
  return {
    type,
    evaluate: (row) => {
      const a = le(row)
      const b = re(row)
      if (a === null || b === null) return null
      const x = toNum(a)
      const y = toNum(b)
      switch (op) {
        case '+':
          return isInt ? wrapInt(x + y) : x + y
        case '-':
          return isInt ? wrapInt(x - y) : x - y
        case '*':
          return isInt ? Math.imul(x, y) : x * y
        case '/':
          if (isInt || isLong) return y === 0 ? null : Math.trunc(x / y)
          return x / y
        case '%':
          if (isInt || isLong) return y === 0 ? null : x % y
          return x % y
      }
    },
  }
}

/**
 * IN lists: literals are converted to the operand's type (`'4.000'` for an INT, `10` for a STRING,
 * `'y'` for a BOOLEAN); other expressions must already be comparable.
 */
function coerceInItem(operand: Compiled, expr: Expression, item: Compiled): Compiled {
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

function typeName(t: SqlType | null): string {
  return t === null ? 'NULL' : formatSqlType(t)
}

function isComparable(a: SqlType, b: SqlType): boolean {
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

const TIME_BOUNDS = new Set(['WINDOWSTART', 'WINDOWEND', 'ROWTIME'])

/** `WINDOWSTART >= '2020-02-23T23:45'`: a text literal compared with a time bound becomes epoch ms. */
function timeBoundOperands(
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

const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
  'IS DISTINCT FROM': 'IS_DISTINCT_FROM',
  'IS NOT DISTINCT FROM': 'IS_NOT_DISTINCT_FROM',
}

function compileComparison(expr: Expression & { kind: 'comparison' }, l: Compiled, r: Compiled): Compiled {
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

function requireBoolean(c: Compiled, expr: Expression): void {
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

function compileLike(expr: Expression & { kind: 'like' }, o: Compiled, p: Compiled): Compiled {
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

function commonType(types: readonly (SqlType | null)[]): SqlType | null {
  let result: SqlType | null = null
  for (const t of types) {
    if (t === null) continue
    if (result === null) result = t
    else if (isNumeric(result) && isNumeric(t)) result = widerNumeric(result, t)
  }
  return result
}

/**
 * Constructor elements share one type: text literals are converted to the type the other elements
 * agree on (`ARRAY[1, '2']` is ARRAY<INTEGER>); null when every element is NULL.
 */
function unifyLiterals(items: readonly Compiled[], suffix = ''): { type: SqlType | null; items: Compiled[] } {
  const isText = (i: Compiled): boolean => i.literal !== undefined && i.type?.kind === 'STRING'
  const type =
    commonType(items.filter((i) => !isText(i)).map((i) => i.type)) ?? commonType(items.map((i) => i.type))
  if (type === null || type.kind === 'STRING') return { type, items: [...items] }
  return {
    type,
    items: items.map((i) => {
      if (!isText(i)) return i
      const text = String(i.literal?.value)
      let value: unknown
      if (isNumeric(type) && text.trim() !== '' && !Number.isNaN(Number(text)))
        value = castValue(text, STRING, type)
      else if (type.kind === 'BOOLEAN' && parseSqlBoolean(text) !== undefined) value = parseSqlBoolean(text)
      else
        throw new StatementError(`invalid input syntax for type ${formatSqlType(type)}: "${text}"${suffix}`)
      return { type, evaluate: () => value, literal: { value } }
    }),
  }
}

function coerceTo(value: unknown, from: SqlType | null, to: SqlType): unknown {
  if (value === null || from === null || from.kind === to.kind) return value
  if (isNumeric(from) && isNumeric(to)) return castValue(value, from, to)
  return value
}

function compileCase(expr: Expression & { kind: 'case' }, scope: CompileScope): Compiled {
  const c = (e: Expression): Compiled => compileExpression(e, scope)
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
