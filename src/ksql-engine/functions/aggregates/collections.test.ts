import { describe, expect, it } from 'vitest'

import { Decimal } from '../../types/decimal.ts'
import { BIGINT, INTEGER, STRING, array, decimal, formatSqlType, map } from '../../types/sql-type.ts'
import { aggregateAll, resolveAggregate } from '../testing/call.ts'
import { collectListAggregate } from './collections.ts'

const rows = (...values: unknown[]): unknown[][] => values.map((v) => [v])

describe('COLLECT_LIST and COLLECT_SET', () => {
  it('collects values in arrival order, NULLs included', () => {
    const agg = resolveAggregate('COLLECT_LIST', [STRING, null])
    expect(agg.returnType).toEqual(array(STRING))
    expect(aggregateAll(agg, rows('baz', 'baz', 'foo', null))).toEqual([
      ['baz'],
      ['baz', 'baz'],
      ['baz', 'baz', 'foo'],
      ['baz', 'baz', 'foo', null],
    ])
  })

  it('undoes the last matching value and respects the limit', () => {
    const agg = resolveAggregate('COLLECT_LIST', [INTEGER, null])
    const acc = agg.add(agg.add(agg.add(agg.initial(), [1]), [2]), [1])
    expect(agg.result(agg.undo?.(acc, [1]))).toEqual([1, 2])
    const limited = collectListAggregate({ collectListLimit: 1 }).resolve([{ type: INTEGER }])
    if (!limited.ok) throw new Error(limited.message)
    expect(aggregateAll(limited.value, rows(0, 100))).toEqual([[0], [0]])
  })

  it('COLLECT_SET keeps distinct values, compared by value', () => {
    const agg = resolveAggregate('COLLECT_SET', [decimal(3, 1), null])
    const values = aggregateAll(agg, rows(Decimal.parse('1.5'), Decimal.parse('1.5'), Decimal.parse('2.0')))
    expect((values[2] as Decimal[]).map(String)).toEqual(['1.5', '2.0'])
  })
})

describe('TOPK and TOPKDISTINCT', () => {
  it('keeps the k largest values, duplicates included, descending', () => {
    const agg = resolveAggregate('TOPK', [INTEGER, null], [INTEGER, 3, 'literal'])
    expect(agg.argumentIndexes).toEqual([0])
    expect(aggregateAll(agg, rows(0, 100, 99, 7, 100, null))).toEqual([
      [0],
      [100, 0],
      [100, 99, 0],
      [100, 99, 7],
      [100, 100, 99],
      [100, 100, 99],
    ])
  })

  it('returns structs for TOPK over several columns', () => {
    const agg = resolveAggregate('TOPK', [INTEGER, null], [STRING, null], [INTEGER, 3, 'literal'])
    expect(formatSqlType(agg.returnType)).toBe('ARRAY<STRUCT<`sort_col` INTEGER, `col0` STRING>>')
    const out = aggregateAll(agg, [
      [0, 'zero'],
      [100, 'one'],
      [99, 'two'],
      [null, 'three'],
      [100, null],
    ])
    expect(out[4]).toEqual([
      { sort_col: 100, col0: 'one' },
      { sort_col: 100, col0: null },
      { sort_col: 99, col0: 'two' },
    ])
  })

  it('TOPKDISTINCT drops duplicates', () => {
    const agg = resolveAggregate('TOPKDISTINCT', [STRING, null], [INTEGER, 3, 'literal'])
    expect(aggregateAll(agg, rows('a', 'b', 'c', 'b', 'd')).at(-1)).toEqual(['d', 'c', 'b'])
  })

  it('needs a positive literal k', () => {
    expect(() => resolveAggregate('TOPK', [INTEGER, null], [INTEGER, null])).toThrow(/literal integer/)
  })
})

describe('HISTOGRAM and COUNT_DISTINCT', () => {
  it('counts occurrences per value, with undo', () => {
    const agg = resolveAggregate('HISTOGRAM', [STRING, null])
    expect(agg.returnType).toEqual(map(STRING, BIGINT))
    let acc = agg.add(agg.add(agg.add(agg.initial(), ['a']), ['b']), ['a'])
    expect(agg.result(acc)).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    )
    acc = agg.undo?.(acc, ['b']) ?? acc
    expect(agg.result(acc)).toEqual(new Map([['a', 2]]))
  })

  it('counts distinct non-NULL values', () => {
    const agg = resolveAggregate('COUNT_DISTINCT', [STRING, null])
    expect(aggregateAll(agg, rows('one', 'two', 'one', null, 'two'))).toEqual([1, 2, 2, 2, 2])
  })
})

describe('table-source support', () => {
  it('offers undo exactly where ksqlDB does', () => {
    expect(resolveAggregate('COLLECT_LIST', [STRING, null]).undo).toBeDefined()
    expect(resolveAggregate('HISTOGRAM', [STRING, null]).undo).toBeDefined()
    expect(resolveAggregate('COLLECT_SET', [STRING, null]).undo).toBeUndefined()
    expect(resolveAggregate('COUNT_DISTINCT', [STRING, null]).undo).toBeUndefined()
    expect(resolveAggregate('TOPK', [INTEGER, null], [INTEGER, 2, 'literal']).undo).toBeUndefined()
  })
})
