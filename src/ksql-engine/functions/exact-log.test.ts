import { describe, expect, it } from 'vitest'

import { exactLog } from './exact-log.ts'
import { DOUBLE, INTEGER } from '../types/sql-type.ts'
import { call } from './testing/call.ts'

describe('exactLog', () => {
  it('returns the correctly rounded logarithm, as the JVM does', () => {
    // Reference values printed by Java 17's Math.log.
    expect(exactLog(3)).toBe(1.0986122886681098)
    expect(exactLog(2)).toBe(0.6931471805599453)
    expect(exactLog(10)).toBe(2.302585092994046)
    expect(exactLog(0.5)).toBe(-0.6931471805599453)
    expect(exactLog(1)).toBe(0)
  })

  it('keeps the special cases of Math.log', () => {
    expect(exactLog(0)).toBe(-Infinity)
    expect(exactLog(-1)).toBeNaN()
    expect(exactLog(Infinity)).toBe(Infinity)
    expect(exactLog(Number.NaN)).toBeNaN()
  })
})

describe('LN and LOG', () => {
  it('use the exact logarithm and ksqlDB’s base rules', () => {
    expect(call('LN', [INTEGER, 3])).toBe(1.0986122886681098)
    expect(call('LOG', [DOUBLE, 2], [DOUBLE, 0])).toBe(-Infinity)
    expect(call('LOG', [DOUBLE, 1], [DOUBLE, 5])).toBeNaN()
    expect(call('LOG', [DOUBLE, -2], [DOUBLE, 5])).toBeNaN()
    expect(call('LOG', [INTEGER, 2], [INTEGER, 8])).toBe(3)
  })
})
