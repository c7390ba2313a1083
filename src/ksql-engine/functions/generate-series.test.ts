import { describe, expect, it } from 'vitest'
import { BIGINT, INTEGER, formatSqlType } from '../types/sql-type.ts'
import { call, resolveScalar } from './testing/call.ts'
import { MAX_SERIES_LENGTH, series } from './generate-series.ts'

describe('GENERATE_SERIES', () => {
  it("follows ksqlDB's QTT cases: inclusive bounds, counting down without step", () => {
    expect(call('GENERATE_SERIES', [INTEGER, 0], [INTEGER, 3])).toEqual([0, 1, 2, 3])
    expect(call('GENERATE_SERIES', [INTEGER, 4], [INTEGER, 0])).toEqual([4, 3, 2, 1, 0])
    expect(call('GENERATE_SERIES', [INTEGER, -2], [INTEGER, 1], [INTEGER, 2])).toEqual([-2, 0])
    expect(call('GENERATE_SERIES', [INTEGER, 9], [INTEGER, 0], [INTEGER, -3])).toEqual([9, 6, 3, 0])
    expect(call('GENERATE_SERIES', [INTEGER, 1], [INTEGER, -2], [INTEGER, -2])).toEqual([1, -1])
    expect(call('GENERATE_SERIES', [INTEGER, 5], [INTEGER, 5])).toEqual([5])
  })

  it('returns INT arrays for INT bounds and BIGINT arrays for BIGINT bounds (INT step)', () => {
    expect(formatSqlType(resolveScalar('GENERATE_SERIES', [INTEGER, INTEGER]).returnType)).toBe(
      'ARRAY<INTEGER>',
    )
    expect(formatSqlType(resolveScalar('GENERATE_SERIES', [BIGINT, INTEGER]).returnType)).toBe(
      'ARRAY<BIGINT>',
    )
    expect(formatSqlType(resolveScalar('GENERATE_SERIES', [BIGINT, BIGINT, INTEGER]).returnType)).toBe(
      'ARRAY<BIGINT>',
    )
    expect(call('GENERATE_SERIES', [BIGINT, 4294967296], [BIGINT, 4294967298])).toEqual([
      4294967296, 4294967297, 4294967298,
    ])
  })

  it("fails the record with ksqlDB's messages on a zero or wrong-sign step, and NULL gives NULL", () => {
    expect(() => series(0, 3, 0)).toThrow('GENERATE_SERIES step cannot be zero')
    expect(() => series(0, 3, -1)).toThrow('GENERATE_SERIES step has wrong sign')
    expect(() => series(3, 0, 1)).toThrow('GENERATE_SERIES step has wrong sign')
    expect(call('GENERATE_SERIES', [INTEGER, null], [INTEGER, 3])).toBeNull()
  })

  it('refuses a series that would exhaust memory, naming the bounds and the fix', () => {
    expect(() => series(0, MAX_SERIES_LENGTH, 1)).toThrow(/would hold 1000001 values.*narrow the range/)
    expect(series(0, MAX_SERIES_LENGTH - 1, 1)).toHaveLength(MAX_SERIES_LENGTH)
  })
})
