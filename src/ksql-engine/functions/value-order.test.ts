import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { compareValues, sameValue, valueKey } from './value-order.ts'

describe('value ordering and identity', () => {
  it('orders numbers, strings, bytes and decimals naturally', () => {
    expect(compareValues(1, 2)).toBe(-1)
    expect(compareValues('b', 'a')).toBe(1)
    expect(compareValues(Buffer.from([1]), Buffer.from([1]))).toBe(0)
    expect(compareValues(Decimal.parse('1.50'), Decimal.parse('1.5'))).toBe(0)
  })

  it('compares containers and decimals by value', () => {
    expect(sameValue({ A: [1, 2] }, { A: [1, 2] })).toBe(true)
    expect(sameValue(new Map([['k', 1]]), new Map([['k', 2]]))).toBe(false)
    expect(sameValue(Decimal.parse('1.0'), Decimal.parse('1.00'))).toBe(true)
    expect(valueKey(null)).toBeNull()
    expect(valueKey('x')).toBe('x')
  })
})
