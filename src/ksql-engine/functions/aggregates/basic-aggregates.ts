import { createArithmetic } from '../../types/arithmetic.ts'
import { Decimal, fitDecimal } from '../../types/decimal.ts'
import { BIGINT, DOUBLE, struct, type SqlType } from '../../types/sql-type.ts'
import type { AggregateFunction, ResolvedAggregate } from '../function-types.ts'
import { compareValues, defineAggregate, erase, isKind } from './aggregate-helpers.ts'

/**
 * COUNT, SUM, AVG, MIN, MAX. COUNT/SUM/AVG support undo (table sources) and all merge (session
 * windows). NULL values are ignored; SUM starts at 0, so an all-NULL group sums to 0.
 */
export function countAggregate(): AggregateFunction {
  return defineAggregate('COUNT', ['', '*', 'ANY'], (args) => {
    const arg = args[0]
    // COUNT(), COUNT(*) and COUNT(<literal>) count rows; COUNT(col) counts non-NULL values.
    const countsRows = args.length === 0 || (arg?.literal !== undefined && arg.literal.value !== null)
    if (args.length > 1) return undefined
    const step = countsRows
      ? (acc: number): number => acc + 1
      : (acc: number, values: readonly unknown[]): number => (values[0] == null ? acc : acc + 1)
    const back = countsRows
      ? (acc: number): number => acc - 1
      : (acc: number, values: readonly unknown[]): number => (values[0] == null ? acc : acc - 1)
    const agg: ResolvedAggregate<number> = {
      returnType: BIGINT,
      argumentIndexes: countsRows ? [] : [0],
      initial: () => 0,
      add: step,
      undo: back,
      merge: (a, b) => a + b,
      result: (acc) => acc,
    }
    return erase(agg)
  })
}

function sumStep(type: SqlType): ((acc: unknown, v: unknown) => unknown) | undefined {
  switch (type.kind) {
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE': {
      const add = createArithmetic('+', type, type)
      return (acc, v) => add.evaluate(acc, v)
    }
    case 'DECIMAL':
      return (acc, v) => fitDecimal((acc as Decimal).add(v as Decimal), type.precision, type.scale)
    default:
      return undefined
  }
}

function zeroOf(type: SqlType): unknown {
  return type.kind === 'DECIMAL' ? new Decimal(0n, type.scale) : 0
}

function negate(type: SqlType, v: unknown): unknown {
  return type.kind === 'DECIMAL' ? (v as Decimal).negate() : -(v as number)
}

export function sumAggregate(): AggregateFunction {
  return defineAggregate('SUM', ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL'], (args) => {
    const type = args[0]?.type
    if (args.length !== 1 || !isKind(type, 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL')) return undefined
    const step = sumStep(type)
    if (step === undefined) return undefined
    const agg: ResolvedAggregate<unknown> = {
      returnType: type,
      argumentIndexes: [0],
      initial: () => zeroOf(type),
      add: (acc, [v]) => (v == null ? acc : step(acc, v)),
      undo: (acc, [v]) => (v == null ? acc : step(acc, negate(type, v))),
      merge: (a, b) => step(a, b),
      result: (acc) => acc,
    }
    return agg
  })
}

/** SUM_LIST(ARRAY<number>): the sum of every element of every array; NULL elements are skipped. */
export function sumListAggregate(): AggregateFunction {
  return defineAggregate('SUM_LIST', ['ARRAY<INT>', 'ARRAY<BIGINT>', 'ARRAY<DOUBLE>'], (args) => {
    const type = args[0]?.type
    if (args.length !== 1 || type?.kind !== 'ARRAY' || !isKind(type.element, 'INTEGER', 'BIGINT', 'DOUBLE')) {
      return undefined
    }
    const element = type.element
    const step = sumStep(element)
    if (step === undefined) return undefined
    const total = (acc: unknown, list: unknown, sign: 1 | -1): unknown => {
      if (list == null) return acc
      let out = acc
      for (const v of list as readonly unknown[])
        if (v != null) out = step(out, sign === 1 ? v : negate(element, v))
      return out
    }
    const agg: ResolvedAggregate<unknown> = {
      returnType: element,
      argumentIndexes: [0],
      initial: () => 0,
      add: (acc, [list]) => total(acc, list, 1),
      undo: (acc, [list]) => total(acc, list, -1),
      merge: (a, b) => step(a, b),
      result: (acc) => acc,
    }
    return agg
  })
}

interface AvgState {
  readonly sum: number
  readonly count: number
}

export function avgAggregate(): AggregateFunction {
  return defineAggregate('AVG', ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL'], (args) => {
    const type = args[0]?.type
    if (args.length !== 1 || !isKind(type, 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL')) return undefined
    const toNumber =
      type.kind === 'DECIMAL' ? (v: unknown) => (v as Decimal).toNumber() : (v: unknown) => v as number
    const sumType = type.kind === 'INTEGER' ? BIGINT : type.kind === 'DECIMAL' ? DOUBLE : type
    const agg: ResolvedAggregate<AvgState> = {
      returnType: DOUBLE,
      intermediateType: struct([
        { name: 'SUM', type: sumType },
        { name: 'COUNT', type: BIGINT },
      ]),
      argumentIndexes: [0],
      initial: () => ({ sum: 0, count: 0 }),
      add: (acc, [v]) => (v == null ? acc : { sum: acc.sum + toNumber(v), count: acc.count + 1 }),
      undo: (acc, [v]) => (v == null ? acc : { sum: acc.sum - toNumber(v), count: acc.count - 1 }),
      merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
      result: (acc) => (acc.count === 0 ? 0 : acc.sum / acc.count),
    }
    return erase(agg)
  })
}

const ORDERED_KINDS: SqlType['kind'][] = [
  'INTEGER',
  'BIGINT',
  'DOUBLE',
  'DECIMAL',
  'STRING',
  'BYTES',
  'DATE',
  'TIME',
  'TIMESTAMP',
]

function extremeAggregate(name: 'MIN' | 'MAX'): AggregateFunction {
  const sign = name === 'MAX' ? 1 : -1
  return defineAggregate(
    name,
    ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP'],
    (args) => {
      const type = args[0]?.type
      if (args.length !== 1 || !isKind(type, ...ORDERED_KINDS)) return undefined
      const pick = (a: unknown, b: unknown): unknown => {
        if (b == null) return a
        if (a == null) return b
        return compareValues(b, a) * sign > 0 ? b : a
      }
      const agg: ResolvedAggregate<unknown> = {
        returnType: type,
        argumentIndexes: [0],
        initial: () => null,
        add: (acc, [v]) => pick(acc, v),
        merge: pick,
        result: (acc) => acc,
      }
      return agg
    },
  )
}

export function minAggregate(): AggregateFunction {
  return extremeAggregate('MIN')
}

export function maxAggregate(): AggregateFunction {
  return extremeAggregate('MAX')
}
