import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { BIGINT, DOUBLE, INTEGER, STRING, array, decimal } from '../types/sql-type.ts'
import { call, resolveError, resolveScalar } from './testing/call.ts'

describe('COALESCE, IFNULL, NULLIF', () => {
  it('returns the first non-NULL argument', () => {
    expect(call('COALESCE', [STRING, null], [STRING, 'x'])).toBe('x')
    expect(call('COALESCE', [array(INTEGER), null], [array(INTEGER), [10, 20]])).toEqual([10, 20])
    expect(call('COALESCE', [STRING, null], [null, null])).toBeNull()
    expect(call('IFNULL', [STRING, null], [STRING, '1900-01-01'])).toBe('1900-01-01')
    expect(call('IFNULL', [STRING, 'a'], [STRING, 'b'])).toBe('a')
  })

  it('widens mixed numeric arguments to a common type', () => {
    const resolved = resolveScalar('COALESCE', [INTEGER, BIGINT])
    expect(resolved.returnType).toEqual(BIGINT)
    expect(String(call('IFNULL', [decimal(4, 2), null], [INTEGER, 3]))).toBe('3.00')
  })

  it('NULLIF returns NULL when both arguments are equal', () => {
    expect(call('NULLIF', [INTEGER, 1], [INTEGER, 1])).toBeNull()
    expect(call('NULLIF', [INTEGER, 1], [INTEGER, 2])).toBe(1)
    expect(call('NULLIF', [STRING, 'a'], [STRING, null])).toBe('a')
  })

  it('rejects calls ksqlDB rejects', () => {
    expect(resolveError('COALESCE', [])).toContain("Function 'COALESCE' does not accept parameters ()")
    expect(resolveError('COALESCE', [STRING, INTEGER])).toContain(
      'does not accept parameters (STRING, INTEGER)',
    )
  })
})

describe('GREATEST and LEAST', () => {
  it('ignore NULLs and compare within the common type', () => {
    expect(call('GREATEST', [INTEGER, 1], [INTEGER, null], [INTEGER, 7])).toBe(7)
    expect(call('LEAST', [DOUBLE, 1.5], [INTEGER, -2])).toBe(-2)
    expect(call('GREATEST', [STRING, 'apple'], [STRING, 'pear'])).toBe('pear')
    expect(
      String(call('LEAST', [decimal(3, 1), Decimal.parse('1.5')], [decimal(3, 1), Decimal.parse('-1.5')])),
    ).toBe('-1.5')
  })
})

describe('untyped NULL arguments', () => {
  it('are ambiguous on their own, as in ksqlDB', () => {
    expect(resolveError('GREATEST', [null, null, null, null])).toBe(
      "Function 'greatest' cannot be resolved due to ambiguous method parameters (null, null, null, null).",
    )
    expect(resolveError('GREATEST', [])).toBe("Function 'greatest' does not accept parameters ().")
    expect(resolveError('SUBSTRING', [null, INTEGER])).toContain(
      'ambiguous method parameters (null, INTEGER)',
    )
  })
})
