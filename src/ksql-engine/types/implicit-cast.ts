import { BIGINT, DOUBLE, decimal, formatSqlType, type SqlType } from './sql-type.ts'

/**
 * ksqlDB's implicit numeric widening: INTEGER → BIGINT → DECIMAL → DOUBLE. Used to pick a function
 * overload (an INT argument matches a BIGINT or DOUBLE parameter) and to type arithmetic.
 */
const NUMERIC_RANK: Partial<Record<SqlType['kind'], number>> = {
  INTEGER: 0,
  BIGINT: 1,
  DECIMAL: 2,
  DOUBLE: 3,
}

export function numericRank(type: SqlType): number | undefined {
  return NUMERIC_RANK[type.kind]
}

/** The DECIMAL an integer type widens to: INT → DECIMAL(10, 0), BIGINT → DECIMAL(19, 0). */
export function asDecimalType(type: SqlType): SqlType & { readonly kind: 'DECIMAL' } {
  switch (type.kind) {
    case 'DECIMAL':
      return type
    case 'INTEGER':
      return { kind: 'DECIMAL', precision: 10, scale: 0 }
    case 'BIGINT':
      return { kind: 'DECIMAL', precision: 19, scale: 0 }
    default:
      throw new Error(`${formatSqlType(type)} has no DECIMAL form`)
  }
}

/**
 * Whether a value of `from` may be passed where `to` is expected without an explicit CAST.
 * Decimals of any precision match a DECIMAL parameter (ksqlDB's generic decimal parameters);
 * containers must match element-wise.
 */
export function canImplicitlyCast(from: SqlType, to: SqlType): boolean {
  if (from.kind === to.kind) {
    switch (from.kind) {
      case 'ARRAY':
        return to.kind === 'ARRAY' && canImplicitlyCast(from.element, to.element)
      case 'MAP':
        return (
          to.kind === 'MAP' && canImplicitlyCast(from.key, to.key) && canImplicitlyCast(from.value, to.value)
        )
      case 'STRUCT':
        return formatSqlType(from) === formatSqlType(to)
      default:
        return true
    }
  }
  const fromRank = numericRank(from)
  const toRank = numericRank(to)
  return fromRank !== undefined && toRank !== undefined && fromRank < toRank
}

/** The common type of two numeric operands (for arithmetic, comparisons, GREATEST/LEAST). */
export function widerNumeric(left: SqlType, right: SqlType): SqlType {
  const l = numericRank(left) ?? 0
  const r = numericRank(right) ?? 0
  const top = Math.max(l, r)
  if (top === 3) return DOUBLE
  if (top === 2) {
    const a = asDecimalType(left)
    const b = asDecimalType(right)
    const scale = Math.max(a.scale, b.scale)
    return decimal(Math.max(a.precision - a.scale, b.precision - b.scale) + scale, scale)
  }
  return top === 1 ? BIGINT : left
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%'

/**
 * Result type of `left op right` on numbers, or undefined when the operator does not apply.
 * DECIMAL precision/scale follow ksqlDB's Operator rules (the same as SQL Server's).
 */
export function arithmeticResultType(
  op: ArithmeticOperator,
  left: SqlType,
  right: SqlType,
): SqlType | undefined {
  if (op === '+' && left.kind === 'STRING' && right.kind === 'STRING') return left
  const l = numericRank(left)
  const r = numericRank(right)
  if (l === undefined || r === undefined) return undefined
  const top = Math.max(l, r)
  if (top !== 2) return top === 3 ? DOUBLE : top === 1 ? BIGINT : left
  const a = asDecimalType(left)
  const b = asDecimalType(right)
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(a.scale, b.scale)
      return decimal(scale + Math.max(a.precision - a.scale, b.precision - b.scale) + 1, scale)
    }
    case '*':
      return decimal(a.precision + b.precision + 1, a.scale + b.scale)
    case '/': {
      const scale = Math.max(6, a.scale + b.precision + 1)
      return decimal(a.precision - a.scale + b.scale + scale, scale)
    }
    case '%': {
      const scale = Math.max(a.scale, b.scale)
      return decimal(Math.min(a.precision - a.scale, b.precision - b.scale) + scale, scale)
    }
  }
}
