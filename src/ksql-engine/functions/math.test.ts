import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { BIGINT, DOUBLE, INTEGER, decimal, formatSqlType } from '../types/sql-type.ts'
import { exactDoubleScaling } from './math.ts'
import { call, resolveScalar } from './testing/call.ts'

const d = (v: number | null) => [DOUBLE, v] as const
const i = (v: number | null) => [INTEGER, v] as const
const dec = (text: string, p: number, sc: number) => [decimal(p, sc), Decimal.parse(text)] as const

describe('ROUND and TRUNC', () => {
  it('rounds doubles with ties toward positive infinity (QTT math.json)', () => {
    const cases: [number, number, number, number, number][] = [
      // v, ROUND(v), ROUND(v,1), ROUND(v,2), ROUND(v,-1)
      [1.5, 2, 1.5, 1.5, 0],
      [-1.5, -1, -1.5, -1.5, 0],
      [-1.7, -2, -1.7, -1.7, 0],
      [12345.678, 12346, 12345.7, 12345.68, 12350],
      [-12345.678, -12346, -12345.7, -12345.68, -12350],
      [111, 111, 111, 111, 110],
    ]
    for (const [v, r0, r1, r2, rm1] of cases) {
      expect(call('ROUND', d(v))).toBe(r0)
      expect(call('ROUND', d(v), i(1))).toBe(r1)
      expect(call('ROUND', d(v), i(2))).toBe(r2)
      expect(call('ROUND', d(v), i(-1))).toBe(rm1)
    }
  })

  it('types ROUND results like ksqlDB', () => {
    expect(resolveScalar('ROUND', [DOUBLE]).returnType).toEqual(BIGINT)
    expect(resolveScalar('ROUND', [DOUBLE, INTEGER]).returnType).toEqual(DOUBLE)
    expect(resolveScalar('ROUND', [INTEGER]).returnType).toEqual(BIGINT)
    expect(resolveScalar('TRUNC', [INTEGER]).returnType).toEqual(BIGINT)
    expect(resolveScalar('TRUNC', [DOUBLE]).returnType).toEqual(BIGINT)
    expect(formatSqlType(resolveScalar('ROUND', [decimal(33, 16)]).returnType)).toBe('DECIMAL(17, 0)')
    expect(formatSqlType(resolveScalar('ROUND', [decimal(33, 16), INTEGER]).returnType)).toBe(
      'DECIMAL(33, 16)',
    )
  })

  it('rounds decimals keeping the column scale', () => {
    const v = dec('12345678987654321.2345678987654321', 33, 16)
    expect(String(call('ROUND', v))).toBe('12345678987654321')
    expect(String(call('ROUND', v, i(0)))).toBe('12345678987654321.0000000000000000')
    expect(String(call('ROUND', v, i(10)))).toBe('12345678987654321.2345678988000000')
    expect(String(call('ROUND', v, i(-2)))).toBe('12345678987654300.0000000000000000')
  })

  it('follows Java for whole-number rounding of special values', () => {
    expect(call('ROUND', d(Number.NaN))).toBe(0)
    expect(call('TRUNC', d(Infinity))).toBe(2 ** 63)
  })

  it('truncates toward zero', () => {
    expect(call('TRUNC', d(-1.7))).toBe(-1)
    expect(call('TRUNC', d(12345.678), i(2))).toBe(12345.67)
    expect(call('TRUNC', d(-12345.678), i(-1))).toBe(-12340)
    expect(String(call('TRUNC', dec('-1.75', 3, 2), i(1)))).toBe('-1.70')
  })
})

describe('double rounding fast path', () => {
  it('agrees with the exact BigDecimal path on many values', () => {
    // Deterministic pseudo-random values, including ties such as 1.005 and 2.675.
    let seed = 42
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const values = [1.005, 2.675, -1.005, 0.125, -0.125, 1.0000005, 123456.785]
    for (let n = 0; n < 800; n++) values.push(Math.round((next() - 0.5) * 1e6) / 10 ** Math.floor(next() * 6))
    for (const v of values) {
      for (const places of [1, 2, 3, 5]) {
        expect(call('ROUND', d(v), i(places))).toBe(exactDoubleScaling.round(v, places))
        expect(call('TRUNC', d(v), i(places))).toBe(exactDoubleScaling.trunc(v, places))
      }
    }
  })
})

describe('other math functions', () => {
  it('keeps the argument type for ABS, CEIL and FLOOR', () => {
    expect(call('ABS', i(-1))).toBe(1)
    expect(String(call('ABS', dec('-3.2', 2, 1)))).toBe('3.2')
    expect(call('CEIL', d(1.1))).toBe(2)
    expect(call('FLOOR', d(-1.1))).toBe(-2)
    expect(String(call('FLOOR', dec('1.5', 2, 1)))).toBe('1.0')
    expect(String(call('CEIL', dec('1.1', 2, 1)))).toBe('2.0')
  })

  it('widens integer arguments to DOUBLE parameters', () => {
    expect(call('SQRT', i(4))).toBe(2)
    expect(call('EXP', i(1))).toBe(2.718281828459045)
    expect(call('LN', i(0))).toBe(-Infinity)
    expect(call('POWER', i(2), i(10))).toBe(1024)
    expect(call('SIGN', d(-3.5))).toBe(-1)
    expect(call('SQRT', d(null))).toBeNull()
    expect(call('SQRT', dec('6.25', 3, 2))).toBe(2.5)
  })

  it('matches Java for trigonometry edge cases', () => {
    expect(call('COT', i(0))).toBe(Infinity)
    expect(call('ACOS', i(2))).toBeNaN()
    expect(call('DEGREES', d(Math.PI))).toBe(180)
  })

  it('returns a random DOUBLE in [0, 1)', () => {
    const r = call('RANDOM') as number
    expect(r).toBeGreaterThanOrEqual(0)
    expect(r).toBeLessThan(1)
  })
})
