import { describe, expect, it } from 'vitest'

import { formatJavaDouble, formatJavaFloat } from './java-format.ts'

describe('formatJavaDouble', () => {
  it.each([
    [1, '1.0'],
    [-1, '-1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [10.3, '10.3'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1234567.5, '1234567.5'],
    [1e7, '1.0E7'],
    [1e10, '1.0E10'],
    [12345678.9, '1.23456789E7'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
    [4.611686018427388e18, '4.611686018427388E18'],
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [100.0, '100.0'],
    [-99999.15000000001, '-99999.15000000001'],
  ])('renders %d as %s', (value, text) => {
    expect(formatJavaDouble(value)).toBe(text)
  })
})

describe('formatJavaFloat', () => {
  it('uses the shortest digits that identify the 32-bit float', () => {
    expect(formatJavaFloat(0.1)).toBe('0.1')
    expect(formatJavaFloat(1.1)).toBe('1.1')
    expect(formatJavaFloat(3e10)).toBe('3.0E10')
  })
})

describe('formatJavaDouble: at least two significant digits, as Java', () => {
  it('prints Double.MIN_VALUE as 4.9E-324 (the closest two-digit decimal), not 5e-324', () => {
    expect(formatJavaDouble(Number.MIN_VALUE)).toBe('4.9E-324')
    expect(formatJavaDouble(-Number.MIN_VALUE)).toBe('-4.9E-324')
  })

  it('keeps one-digit values whose two-digit form ends in zero', () => {
    expect(formatJavaDouble(1e23)).toBe('1.0E23')
    expect(formatJavaDouble(2e-5)).toBe('2.0E-5')
  })
})
