import { describe, expect, it } from 'vitest'

import { Decimal, fitDecimal } from './decimal.ts'
import { RecordError } from './record-error.ts'

const d = (text: string): Decimal => Decimal.parse(text)

describe('Decimal', () => {
  it('parses and prints like BigDecimal.toPlainString', () => {
    expect(d('10.120').toString()).toBe('10.120')
    expect(d('-0.01').toString()).toBe('-0.01')
    expect(d('.5').toString()).toBe('0.5')
    expect(d('1E3').toString()).toBe('1000')
    expect(d('1.5e-3').toString()).toBe('0.0015')
    expect(d('+7').toString()).toBe('7')
    expect(() => d('abc')).toThrow(RecordError)
    expect(() => d('')).toThrow(RecordError)
  })

  it('reports precision as the digit count of the unscaled value', () => {
    expect(d('123.45').precision()).toBe(5)
    expect(d('0.00').precision()).toBe(1)
    expect(d('-0.012').precision()).toBe(2)
  })

  it('rounds HALF_UP, away from zero on ties', () => {
    expect(d('0.99').setScale(1).toString()).toBe('1.0')
    expect(d('0.05').setScale(1).toString()).toBe('0.1')
    expect(d('-0.05').setScale(1).toString()).toBe('-0.1')
    expect(d('0.04').setScale(1).toString()).toBe('0.0')
    expect(d('12345678987654321.2345678987654321').setScale(-1).setScale(16).toString()).toBe(
      '12345678987654320.0000000000000000',
    )
  })

  it('converts doubles through their Java text form', () => {
    expect(Decimal.fromNumber(0.1).toString()).toBe('0.1')
    expect(Decimal.fromNumber(100).toString()).toBe('100.0')
    expect(Decimal.fromNumber(0.01).setScale(1).toString()).toBe('0.0')
  })

  it('does arithmetic exactly', () => {
    expect(d('1.5').add(d('2.25')).toString()).toBe('3.75')
    expect(d('1.5').subtract(d('2.25')).toString()).toBe('-0.75')
    expect(d('1.5').multiply(d('-2.25')).toString()).toBe('-3.375')
    expect(d('10').divide(d('3'), 6).toString()).toBe('3.333333')
    expect(d('2').divide(d('3'), 2).toString()).toBe('0.67')
    expect(d('-7.5').remainder(d('2')).toString()).toBe('-1.5')
    expect(() => d('1').divide(d('0'), 2)).toThrow('Division by zero')
  })

  it('compares numerically regardless of scale', () => {
    expect(d('1.0').equals(d('1.00'))).toBe(true)
    expect(d('-1').compare(d('0.5'))).toBe(-1)
    expect(d('2.01').compare(d('2.001'))).toBe(1)
  })

  it('floors and ceils at a scale', () => {
    expect(d('-1.25').setScaleDirected(0, 'FLOOR').toString()).toBe('-2')
    expect(d('1.25').setScaleDirected(0, 'CEILING').toString()).toBe('2')
    expect(d('1.25').setScaleDirected(0, 'FLOOR').toString()).toBe('1')
  })

  it('truncates toward zero to a bigint', () => {
    expect(d('-10.99').toBigInt()).toBe(-10n)
    expect(d('1E2').toBigInt()).toBe(100n)
  })
})

describe('fitDecimal', () => {
  it('rounds to the target scale', () => {
    expect(fitDecimal(d('10.12'), 5, 3).toString()).toBe('10.120')
  })

  it('fails when the integer part does not fit', () => {
    expect(() => fitDecimal(d('1202.5'), 4, 1)).toThrow(/Numeric field overflow/)
    expect(() => fitDecimal(d('9.96'), 2, 1)).toThrow(RecordError)
  })
})
