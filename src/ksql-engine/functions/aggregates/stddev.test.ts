import { describe, expect, it } from 'vitest'

import { DOUBLE, INTEGER, STRING } from '../../types/sql-type.ts'
import { aggregateAll, resolveAggregate, resolveError } from '../testing/call.ts'

describe('STDDEV_SAMP', () => {
  it('returns ksqlDB’s value: the sample variance, 0.0 below two values', () => {
    const agg = resolveAggregate('STDDEV_SAMP', [DOUBLE, null])
    expect(agg.returnType).toEqual(DOUBLE)
    const out = aggregateAll(agg, [[2], [4], [4], [4], [5], [5], [7], [9]])
    expect(out[0]).toBe(0)
    expect(out.at(-1)).toBeCloseTo(32 / 7, 12)
  })

  it('ignores NULLs, undoes and merges', () => {
    const agg = resolveAggregate('STDDEV_SAMP', [INTEGER, null])
    let acc = agg.initial()
    for (const v of [1, 2, null, 3]) acc = agg.add(acc, [v])
    expect(agg.result(acc)).toBeCloseTo(1, 12)
    expect(agg.result(agg.undo?.(acc, [3]))).toBeCloseTo(0.5, 12)
    const other = agg.add(agg.add(agg.initial(), [10]), [12])
    expect(agg.result(agg.merge?.(acc, other))).toBeCloseTo(25.3, 12)
  })

  it('accepts numbers only', () => {
    expect(resolveError('STDDEV_SAMP', [STRING])).toContain(
      "Function 'stddev_samp' does not accept parameters",
    )
  })
})
