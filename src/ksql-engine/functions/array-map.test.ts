import { describe, expect, it } from 'vitest'

import { BOOLEAN, DOUBLE, INTEGER, STRING, array, formatSqlType, map } from '../types/sql-type.ts'
import { call, resolveScalar } from './testing/call.ts'

describe('array functions', () => {
  it('measure and search arrays', () => {
    expect(call('ARRAY_LENGTH', [array(DOUBLE), [0, 0.1, 0.2]])).toBe(3)
    expect(call('ARRAY_LENGTH', [array(DOUBLE), null])).toBeNull()
    expect(call('ARRAY_CONTAINS', [array(STRING), ['a', 'b']], [STRING, 'b'])).toBe(true)
    expect(call('ARRAY_CONTAINS', [array(STRING), null], [STRING, 'b'])).toBe(false)
  })

  it('sort, dedupe and pick extremes', () => {
    expect(call('ARRAY_SORT', [array(INTEGER), [3, null, 1, 2]])).toEqual([1, 2, 3, null])
    expect(call('ARRAY_SORT', [array(INTEGER), [3, null, 1]], [STRING, 'desc'])).toEqual([3, 1, null])
    expect(call('ARRAY_DISTINCT', [array(STRING), ['a', 'b', 'a', null, null]])).toEqual(['a', 'b', null])
    expect(call('ARRAY_MIN', [array(INTEGER), [3, null, -4]])).toBe(-4)
    expect(call('ARRAY_MAX', [array(INTEGER), [3, null, -4]])).toBe(3)
    expect(resolveScalar('ARRAY_MIN', [array(INTEGER)]).returnType).toEqual(INTEGER)
  })
})

describe('map functions', () => {
  const m = new Map<string, unknown>([
    ['b', 2],
    ['a', 1],
  ])

  it('lists keys, values and sorted entries', () => {
    expect(call('MAP_KEYS', [map(STRING, INTEGER), m])).toEqual(['b', 'a'])
    expect(call('MAP_VALUES', [map(STRING, INTEGER), m])).toEqual([2, 1])
    expect(call('ENTRIES', [map(STRING, INTEGER), m], [BOOLEAN, true])).toEqual([
      { K: 'a', V: 1 },
      { K: 'b', V: 2 },
    ])
    expect(formatSqlType(resolveScalar('ENTRIES', [map(STRING, INTEGER), BOOLEAN]).returnType)).toBe(
      'ARRAY<STRUCT<`K` STRING, `V` INTEGER>>',
    )
  })

  it('builds and unions maps', () => {
    expect(call('AS_MAP', [array(STRING), ['x', 'y']], [array(INTEGER), [1]])).toEqual(
      new Map([
        ['x', 1],
        ['y', null],
      ]),
    )
    expect(call('MAP_UNION', [map(STRING, INTEGER), m], [map(STRING, INTEGER), new Map([['a', 9]])])).toEqual(
      new Map([
        ['b', 2],
        ['a', 9],
      ]),
    )
  })

  it('AS_VALUE passes its argument through with its type', () => {
    expect(call('AS_VALUE', [DOUBLE, 1.5])).toBe(1.5)
    expect(resolveScalar('AS_VALUE', [DOUBLE]).returnType).toEqual(DOUBLE)
  })
})
