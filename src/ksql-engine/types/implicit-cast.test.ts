import { describe, expect, it } from 'vitest'

import { arithmeticResultType, canImplicitlyCast, widerNumeric } from './implicit-cast.ts'
import { BIGINT, DOUBLE, INTEGER, STRING, array, decimal, formatSqlType } from './sql-type.ts'

const text = (t: ReturnType<typeof arithmeticResultType>): string | undefined =>
  t === undefined ? undefined : formatSqlType(t)

describe('implicit numeric widening', () => {
  it('widens INT → BIGINT → DECIMAL → DOUBLE, never back', () => {
    expect(canImplicitlyCast(INTEGER, BIGINT)).toBe(true)
    expect(canImplicitlyCast(BIGINT, decimal(19, 0))).toBe(true)
    expect(canImplicitlyCast(decimal(4, 2), DOUBLE)).toBe(true)
    expect(canImplicitlyCast(DOUBLE, BIGINT)).toBe(false)
    expect(canImplicitlyCast(STRING, INTEGER)).toBe(false)
    expect(canImplicitlyCast(array(INTEGER), array(BIGINT))).toBe(true)
  })

  it('finds the common numeric type', () => {
    expect(widerNumeric(INTEGER, BIGINT)).toEqual(BIGINT)
    expect(formatSqlType(widerNumeric(INTEGER, decimal(4, 2)))).toBe('DECIMAL(12, 2)')
    expect(widerNumeric(decimal(4, 2), DOUBLE)).toEqual(DOUBLE)
  })
})

describe('arithmeticResultType', () => {
  it('types integer and double arithmetic', () => {
    expect(arithmeticResultType('+', INTEGER, INTEGER)).toEqual(INTEGER)
    expect(arithmeticResultType('/', INTEGER, BIGINT)).toEqual(BIGINT)
    expect(arithmeticResultType('*', BIGINT, DOUBLE)).toEqual(DOUBLE)
    expect(arithmeticResultType('+', STRING, STRING)).toEqual(STRING)
    expect(arithmeticResultType('-', STRING, INTEGER)).toBeUndefined()
  })

  it('applies the DECIMAL precision and scale rules', () => {
    const a = decimal(4, 2)
    const b = decimal(3, 1)
    expect(text(arithmeticResultType('+', a, b))).toBe('DECIMAL(5, 2)')
    expect(text(arithmeticResultType('*', a, b))).toBe('DECIMAL(8, 3)')
    expect(text(arithmeticResultType('/', a, b))).toBe('DECIMAL(9, 6)')
    expect(text(arithmeticResultType('%', a, b))).toBe('DECIMAL(4, 2)')
    expect(text(arithmeticResultType('+', a, INTEGER))).toBe('DECIMAL(13, 2)')
  })
})
