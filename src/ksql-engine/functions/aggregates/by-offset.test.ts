import { describe, expect, it } from 'vitest'

import { BOOLEAN, INTEGER, array } from '../../types/sql-type.ts'
import { aggregateAll, resolveAggregate } from '../testing/call.ts'

const col = [INTEGER, null] as const
const rows = (...values: unknown[]): unknown[][] => values.map((v) => [v])

describe('LATEST_BY_OFFSET', () => {
  it('keeps the latest non-NULL value by default', () => {
    expect(aggregateAll(resolveAggregate('LATEST_BY_OFFSET', col), rows(12, null, 13))).toEqual([12, 12, 13])
    expect(aggregateAll(resolveAggregate('LATEST_BY_OFFSET', col), rows(null, null))).toEqual([null, null])
  })

  it('keeps NULLs when ignoreNulls is false', () => {
    const agg = resolveAggregate('LATEST_BY_OFFSET', col, [BOOLEAN, false, 'literal'])
    expect(agg.argumentIndexes).toEqual([0])
    expect(aggregateAll(agg, rows(12, null, 13))).toEqual([12, null, 13])
  })

  it('returns the latest N as an array', () => {
    const agg = resolveAggregate('LATEST_BY_OFFSET', col, [INTEGER, 2, 'literal'])
    expect(agg.returnType).toEqual(array(INTEGER))
    expect(aggregateAll(agg, rows(12, null, 13, 14))).toEqual([[12], [12], [12, 13], [13, 14]])
    const withNulls = resolveAggregate(
      'LATEST_BY_OFFSET',
      col,
      [INTEGER, 2, 'literal'],
      [BOOLEAN, false, 'literal'],
    )
    expect(aggregateAll(withNulls, rows(12, null, 13))).toEqual([[12], [12, null], [null, 13]])
  })

  it('merges session states keeping the later arrivals', () => {
    const agg = resolveAggregate('LATEST_BY_OFFSET', col)
    const first = agg.add(agg.initial(), [1])
    const second = agg.add(agg.initial(), [null])
    expect(agg.result(agg.merge?.(first, second))).toBe(1)
    const third = agg.add(agg.initial(), [2])
    expect(agg.result(agg.merge?.(third, first))).toBe(2)
    expect(agg.undo).toBeUndefined()
  })

  it('rejects a non-positive N', () => {
    const result = () => resolveAggregate('LATEST_BY_OFFSET', col, [INTEGER, 0, 'literal'])
    expect(result).toThrow('earliestN must be 1 or greater')
  })
})

describe('EARLIEST_BY_OFFSET', () => {
  it('keeps the first value(s)', () => {
    expect(aggregateAll(resolveAggregate('EARLIEST_BY_OFFSET', col), rows(null, 12, 13))).toEqual([
      null,
      12,
      12,
    ])
    const n = resolveAggregate('EARLIEST_BY_OFFSET', col, [INTEGER, 2, 'literal'])
    expect(aggregateAll(n, rows(1, 2, 3))).toEqual([[1], [1, 2], [1, 2]])
  })
})
