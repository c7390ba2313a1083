import { describe, expect, it } from 'vitest'

import { coerceNumber, createArithmetic } from './arithmetic.ts'
import { Decimal } from './decimal.ts'
import { BIGINT, DOUBLE, INTEGER, STRING, decimal, formatSqlType } from './sql-type.ts'

describe('createArithmetic', () => {
  it('wraps INT overflow and truncates integer division like Java', () => {
    expect(createArithmetic('+', INTEGER, INTEGER).evaluate(2147483647, 1)).toBe(-2147483648)
    expect(createArithmetic('/', INTEGER, INTEGER).evaluate(7, 2)).toBe(3)
    expect(createArithmetic('/', INTEGER, INTEGER).evaluate(-7, 2)).toBe(-3)
    expect(createArithmetic('%', INTEGER, INTEGER).evaluate(-7, 2)).toBe(-1)
    expect(() => createArithmetic('/', INTEGER, INTEGER).evaluate(7, 0)).toThrow('/ by zero')
  })

  it('keeps BIGINT exact within the safe range and widens INT operands', () => {
    const add = createArithmetic('+', INTEGER, BIGINT)
    expect(add.type).toEqual(BIGINT)
    expect(add.evaluate(1, 2147483648)).toBe(2147483649)
  })

  it('follows IEEE for doubles', () => {
    expect(createArithmetic('/', DOUBLE, INTEGER).evaluate(1, 0)).toBe(Infinity)
    expect(createArithmetic('*', DOUBLE, DOUBLE).evaluate(1.5, 2)).toBe(3)
  })

  it('computes DECIMAL results at the result scale', () => {
    const div = createArithmetic('/', decimal(4, 2), decimal(3, 1))
    expect(formatSqlType(div.type)).toBe('DECIMAL(9, 6)')
    expect(String(div.evaluate(Decimal.parse('10.00'), Decimal.parse('3.0')))).toBe('3.333333')
    const add = createArithmetic('+', decimal(4, 2), INTEGER)
    expect(String(add.evaluate(Decimal.parse('1.25'), 2))).toBe('3.25')
  })

  it('concatenates strings and propagates NULL', () => {
    expect(createArithmetic('+', STRING, STRING).evaluate('a', 'b')).toBe('ab')
    expect(createArithmetic('+', INTEGER, INTEGER).evaluate(null, 1)).toBeNull()
  })
})

describe('coerceNumber', () => {
  it('widens values to the target numeric type', () => {
    expect(String(coerceNumber(3, INTEGER, decimal(10, 2)))).toBe('3.00')
    expect(coerceNumber(Decimal.parse('1.5'), decimal(2, 1), DOUBLE)).toBe(1.5)
    expect(coerceNumber(3, INTEGER, BIGINT)).toBe(3)
  })
})
