import { BIGINT, DOUBLE, INTEGER, struct } from '../../types/sql-type.ts'
import type { AggregateFunction, ResolvedAggregate } from '../function-types.ts'
import { defineAggregate, erase, isKind } from './aggregate-helpers.ts'

/**
 * STDDEV_SAMP as ksqlDB computes it: Youngs-Cramer updates of M2, with undo and merge, and a result
 * of M2 / (count - 1) (no square root: ksqlDB's UDAF returns the sample variance under this name),
 * 0.0 below two values. Integer inputs divide as integers when merging, as in ksqlDB.
 */
interface StdDevState {
  readonly sum: number
  readonly count: number
  readonly m2: number
}

export function stddevSampAggregate(): AggregateFunction {
  return defineAggregate('STDDEV_SAMP', ['INT', 'BIGINT', 'DOUBLE'], (args) => {
    const type = args[0]?.type
    if (args.length !== 1 || !isKind(type, 'INTEGER', 'BIGINT', 'DOUBLE')) return undefined
    const integral = type.kind !== 'DOUBLE'
    const mean = (s: StdDevState): number => (integral ? Math.trunc(s.sum / s.count) : s.sum / s.count)
    const delta = (s: StdDevState, v: number): number => v * (s.count + 1) - (s.sum + v)
    const agg: ResolvedAggregate<StdDevState> = {
      returnType: DOUBLE,
      intermediateType: struct([
        { name: 'SUM', type: integral ? BIGINT : DOUBLE },
        { name: 'COUNT', type: INTEGER },
        { name: 'M2', type: DOUBLE },
      ]),
      argumentIndexes: [0],
      initial: () => ({ sum: 0, count: 0, m2: 0 }),
      add: (s, [value]) => {
        if (value == null) return s
        const v = value as number
        const count = s.count + 1
        const d = s.count > 0 ? delta(s, v) : 0
        const m2 = s.count > 0 ? (d * d) / (count * (count - 1)) : 0
        return { sum: s.sum + v, count, m2: s.m2 + m2 }
      },
      undo: (s, [value]) => {
        if (value == null) return s
        const v = value as number
        const count = s.count - 1
        const d = count > 0 ? delta(s, v) : 0
        const m2 = count > 0 ? (d * d) / (count * (count + 1)) : 0
        return { sum: s.sum - v, count, m2: s.m2 - m2 }
      },
      merge: (a, b) => {
        const count = a.count + b.count
        if (a.count === 0 || b.count === 0) return { sum: a.sum + b.sum, count, m2: a.m2 + b.m2 }
        const inner = mean(a) - mean(b)
        return { sum: a.sum + b.sum, count, m2: a.m2 + b.m2 + (a.count * b.count * inner * inner) / count }
      },
      result: (s) => (s.count < 2 ? 0 : s.m2 / (s.count - 1)),
    }
    return erase(agg)
  })
}
