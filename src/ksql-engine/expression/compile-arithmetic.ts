import type { Expression } from './nodes.ts'
import { formatExpression } from './format-sql.ts'
import { Decimal, fitDecimal, isDecimal } from '../types/decimal.ts'
import { arithmeticResultType } from '../types/implicit-cast.ts'
import { INTEGER, STRING, formatSqlType, isNumeric, type SqlType } from '../types/sql-type.ts'
import { valueToString } from './cast-value.ts'
import { StatementError } from './statement-error.ts'
import type { CompileChild, Compiled } from './compile-expression.ts'

export function compileConcat(expr: Expression & { kind: 'concatOp' }, c: CompileChild): Compiled {
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

export function compileNegate(expr: Expression & { kind: 'negate' }, c: CompileChild): Compiled {
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

/** Java int arithmetic wraps at 32 bits. */
export function wrapInt(n: number): number {
  return n | 0
}

export function compileArithmetic(
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
