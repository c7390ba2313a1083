import { describe, expect, it } from 'vitest'

import { Decimal } from '../../types/decimal.ts'
import {
  BIGINT,
  DOUBLE,
  INTEGER,
  STRING,
  TIMESTAMP,
  array,
  decimal,
  formatSqlType,
} from '../../types/sql-type.ts'
import { aggregateAll, resolveAggregate, resolveError } from '../testing/call.ts'

const rows = (...values: unknown[]): unknown[][] => values.map((v) => [v])

describe('COUNT', () => {
  it('counts rows for COUNT(*) and COUNT(1), non-NULL values for COUNT(col)', () => {
    const star = resolveAggregate('COUNT')
    expect(star.argumentIndexes).toEqual([])
    expect(aggregateAll(star, [[], [], []])).toEqual([1, 2, 3])
    const literal = resolveAggregate('COUNT', [INTEGER, 1, 'literal'])
    expect(literal.argumentIndexes).toEqual([])
    const col = resolveAggregate('COUNT', [STRING, null])
    expect(col.argumentIndexes).toEqual([0])
    expect(aggregateAll(col, rows('a', null, 'b'))).toEqual([1, 1, 2])
    expect(col.returnType).toEqual(BIGINT)
  })

  it('counts back down to zero on undo and adds on merge', () => {
    const count = resolveAggregate('COUNT')
    let acc = count.add(count.add(count.initial(), []), [])
    acc = count.undo?.(acc, []) ?? acc
    acc = count.undo?.(acc, []) ?? acc
    expect(count.result(acc)).toBe(0)
    expect(count.merge?.(2, 3)).toBe(5)
  })
})

describe('SUM', () => {
  it('keeps the argument type and ignores NULLs', () => {
    expect(aggregateAll(resolveAggregate('SUM', [INTEGER, null]), rows(0, 100, null))).toEqual([0, 100, 100])
    expect(aggregateAll(resolveAggregate('SUM', [BIGINT, null]), rows(2147483648, 100))).toEqual([
      2147483648, 2147483748,
    ])
    expect(aggregateAll(resolveAggregate('SUM', [DOUBLE, null]), rows(5.4, 100.1))).toEqual([5.4, 105.5])
    expect(aggregateAll(resolveAggregate('SUM', [INTEGER, null]), rows(null))).toEqual([0])
  })

  it('sums decimals exactly and fails on overflow of the column precision', () => {
    const sum = resolveAggregate('SUM', [decimal(4, 1), null])
    expect(formatSqlType(sum.returnType)).toBe('DECIMAL(4, 1)')
    expect(aggregateAll(sum, rows(Decimal.parse('5.4'), Decimal.parse('100.1'))).map(String)).toEqual([
      '5.4',
      '105.5',
    ])
    expect(() => aggregateAll(sum, rows(Decimal.parse('500.9'), Decimal.parse('801.7')))).toThrow(
      /Numeric field overflow/,
    )
  })

  it('supports undo for table sources', () => {
    const sum = resolveAggregate('SUM', [INTEGER, null])
    const acc = sum.add(sum.add(sum.initial(), [5]), [7])
    expect(sum.result(sum.undo?.(acc, [5]))).toBe(7)
  })

  it('rejects non-numeric arguments', () => {
    expect(resolveError('SUM', [STRING])).toContain("Function 'sum' does not accept parameters (STRING)")
  })
})

describe('AVG', () => {
  it('averages as DOUBLE with a STRUCT intermediate', () => {
    const avg = resolveAggregate('AVG', [INTEGER, null])
    expect(avg.returnType).toEqual(DOUBLE)
    expect(avg.intermediateType?.kind).toBe('STRUCT')
    expect(aggregateAll(avg, rows(1, 2, 2))).toEqual([1, 1.5, 1.6666666666666667])
  })

  it('undoes values from table sources', () => {
    const avg = resolveAggregate('AVG', [INTEGER, null])
    let acc = avg.add(avg.add(avg.initial(), [1]), [2])
    acc = avg.undo?.(acc, [1]) ?? acc
    acc = avg.add(acc, [null])
    expect(avg.result(acc)).toBe(2)
  })
})

describe('MIN and MAX', () => {
  it('ignore NULLs and have no undo', () => {
    const max = resolveAggregate('MAX', [INTEGER, null])
    expect(aggregateAll(max, rows(null, -2147483647, 5, null, 2))).toEqual([null, -2147483647, 5, 5, 5])
    expect(max.undo).toBeUndefined()
    const min = resolveAggregate('MIN', [TIMESTAMP, null])
    expect(aggregateAll(min, rows(50, -1, null))).toEqual([50, -1, -1])
    const maxDecimal = resolveAggregate('MAX', [decimal(4, 2), null])
    expect(
      aggregateAll(maxDecimal, rows(Decimal.parse('-10.12'), Decimal.parse('5.10'))).map(String),
    ).toEqual(['-10.12', '5.10'])
  })
})

describe('SUM_LIST', () => {
  it('sums every element of every array, skipping NULLs', () => {
    const agg = resolveAggregate('SUM_LIST', [array(INTEGER), null])
    expect(agg.returnType).toEqual(INTEGER)
    expect(aggregateAll(agg, rows([1, 1], [2, 2], [100, 100], [100, 100, null], null))).toEqual([
      2, 6, 206, 406, 406,
    ])
    const doubles = resolveAggregate('SUM_LIST', [array(DOUBLE), null])
    expect(aggregateAll(doubles, rows([1.0, 1.0], [922337203685.0, 1.0]))).toEqual([2, 922337203688])
    expect(doubles.undo?.(10, [[4, 1]])).toBe(5)
  })
})
