import { Decimal } from './decimal.ts'
import { arithmeticResultType, type ArithmeticOperator } from './implicit-cast.ts'
import { RecordError } from './record-error.ts'
import { formatSqlType, type SqlType } from './sql-type.ts'

export interface Arithmetic {
  readonly type: SqlType
  /** NULL in → NULL out; integer division by zero throws RecordError('/ by zero') like Java. */
  evaluate(left: unknown, right: unknown): unknown
}

/**
 * `left op right` specialised once per expression: Java int/long overflow wraps, integer division
 * truncates, DOUBLE follows IEEE (x/0 = Infinity), DECIMAL is exact with ksqlDB's result scale.
 */
export function createArithmetic(op: ArithmeticOperator, left: SqlType, right: SqlType): Arithmetic {
  const type = arithmeticResultType(op, left, right)
  if (type === undefined) {
    throw new Error(`Unsupported arithmetic: ${formatSqlType(left)} ${op} ${formatSqlType(right)}`)
  }
  const compute = computeFor(op, type, left, right)
  return {
    type,
    evaluate: (l, r) =>
      l === null || l === undefined || r === null || r === undefined ? null : compute(l, r),
  }
}

type Binary = (l: unknown, r: unknown) => unknown

function computeFor(op: ArithmeticOperator, type: SqlType, left: SqlType, right: SqlType): Binary {
  switch (type.kind) {
    case 'STRING':
      return (l, r) => (l as string) + (r as string)
    case 'INTEGER':
      return intOp(op)
    case 'BIGINT':
      return longOp(op)
    case 'DOUBLE': {
      const toL = toDoubleFn(left)
      const toR = toDoubleFn(right)
      const f = doubleOp(op)
      return (l, r) => f(toL(l), toR(r))
    }
    case 'DECIMAL': {
      const toL = toDecimalFn(left)
      const toR = toDecimalFn(right)
      const scale = type.scale
      switch (op) {
        case '+':
          return (l, r) => toL(l).add(toR(r)).setScale(scale)
        case '-':
          return (l, r) => toL(l).subtract(toR(r)).setScale(scale)
        case '*':
          return (l, r) => toL(l).multiply(toR(r)).setScale(scale)
        case '/':
          return (l, r) => toL(l).divide(toR(r), scale)
        case '%':
          return (l, r) => toL(l).remainder(toR(r)).setScale(scale)
      }
      break
    }
    default:
      break
  }
  throw new Error(`Unsupported arithmetic result type ${formatSqlType(type)}`)
}

function intOp(op: ArithmeticOperator): Binary {
  switch (op) {
    case '+':
      return (l, r) => ((l as number) + (r as number)) | 0
    case '-':
      return (l, r) => ((l as number) - (r as number)) | 0
    case '*':
      return (l, r) => Math.imul(l as number, r as number)
    case '/':
      return (l, r) => {
        if (r === 0) throw new RecordError('/ by zero')
        return Math.trunc((l as number) / (r as number)) | 0
      }
    case '%':
      return (l, r) => {
        if (r === 0) throw new RecordError('/ by zero')
        return ((l as number) % (r as number)) | 0
      }
  }
}

/** BIGINT on JS numbers: exact while safe, otherwise via BigInt with 64-bit wrap-around. */
function longOp(op: ArithmeticOperator): Binary {
  const viaBigInt = (f: (a: bigint, b: bigint) => bigint) => (l: number, r: number) =>
    Number(BigInt.asIntN(64, f(BigInt(l), BigInt(r))))
  const safe = (n: number): boolean => Number.isSafeInteger(n)
  switch (op) {
    case '+': {
      const big = viaBigInt((a, b) => a + b)
      return (l, r) => {
        const n = (l as number) + (r as number)
        return safe(n) ? n : big(l as number, r as number)
      }
    }
    case '-': {
      const big = viaBigInt((a, b) => a - b)
      return (l, r) => {
        const n = (l as number) - (r as number)
        return safe(n) ? n : big(l as number, r as number)
      }
    }
    case '*': {
      const big = viaBigInt((a, b) => a * b)
      return (l, r) => {
        const n = (l as number) * (r as number)
        return safe(n) ? n : big(l as number, r as number)
      }
    }
    case '/':
      return (l, r) => {
        if (r === 0) throw new RecordError('/ by zero')
        return Math.trunc((l as number) / (r as number))
      }
    case '%':
      return (l, r) => {
        if (r === 0) throw new RecordError('/ by zero')
        return (l as number) % (r as number)
      }
  }
}

function doubleOp(op: ArithmeticOperator): (l: number, r: number) => number {
  switch (op) {
    case '+':
      return (l, r) => l + r
    case '-':
      return (l, r) => l - r
    case '*':
      return (l, r) => l * r
    case '/':
      return (l, r) => l / r
    case '%':
      return (l, r) => l % r
  }
}

function toDoubleFn(type: SqlType): (v: unknown) => number {
  return type.kind === 'DECIMAL' ? (v) => (v as Decimal).toNumber() : (v) => v as number
}

function toDecimalFn(type: SqlType): (v: unknown) => Decimal {
  return type.kind === 'DECIMAL' ? (v) => v as Decimal : (v) => Decimal.fromInteger(v as number)
}

/** Widen a runtime numeric value to another numeric type (INT → BIGINT → DECIMAL → DOUBLE). */
export function coerceNumber(value: unknown, from: SqlType, to: SqlType): unknown {
  if (value === null || value === undefined || from.kind === to.kind) {
    if (to.kind === 'DECIMAL' && value instanceof Decimal) return value.setScale(to.scale)
    return value ?? null
  }
  if (to.kind === 'DOUBLE') return from.kind === 'DECIMAL' ? (value as Decimal).toNumber() : value
  if (to.kind === 'DECIMAL') {
    return Decimal.fromInteger(value as number).setScale(to.scale)
  }
  return value
}
