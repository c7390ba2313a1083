import { BIGINT, INTEGER, STRING, array, map, struct, type SqlType } from '../../types/sql-type.ts'
import type { AggregateFunction, ArgumentInfo, ResolvedAggregate } from '../function-types.ts'
import { compareValues, defineAggregate, erase, isKind, valueKey } from './aggregate-helpers.ts'

/**
 * Aggregates that build collections: COLLECT_LIST, COLLECT_SET, HISTOGRAM, COUNT_DISTINCT, TOPK,
 * TOPKDISTINCT. Accumulators are immutable arrays/maps; limits follow ksqlDB's defaults (1000).
 */
export interface CollectionLimits {
  /** ksql.functions.collect_list.limit */
  readonly collectListLimit?: number
  /** ksql.functions.collect_set.limit */
  readonly collectSetLimit?: number
  /** ksql.functions.histogram.limit */
  readonly histogramLimit?: number
}

const DEFAULT_LIMIT = 1000

export function collectListAggregate(limits: CollectionLimits = {}): AggregateFunction {
  const limit = limits.collectListLimit ?? DEFAULT_LIMIT
  return defineAggregate('COLLECT_LIST', ['T'], (args) => {
    const type = args[0]?.type
    if (args.length !== 1 || type === null || type === undefined) return undefined
    const agg: ResolvedAggregate<readonly unknown[]> = {
      returnType: array(type),
      argumentIndexes: [0],
      initial: () => [],
      add: (acc, [v]) => (acc.length >= limit ? acc : [...acc, v ?? null]),
      undo: (acc, [v]) => {
        const key = valueKey(v)
        for (let i = acc.length - 1; i >= 0; i--) {
          if (valueKey(acc[i]) === key) return [...acc.slice(0, i), ...acc.slice(i + 1)]
        }
        return acc
      },
      merge: (a, b) => [...a, ...b].slice(0, limit),
      result: (acc) => [...acc],
    }
    return erase(agg)
  })
}

/** COLLECT_SET: distinct values in arrival order. No undo: ksqlDB rejects it on table sources. */
export function collectSetAggregate(limits: CollectionLimits = {}): AggregateFunction {
  const limit = limits.collectSetLimit ?? DEFAULT_LIMIT
  return defineAggregate('COLLECT_SET', ['T'], (args) => {
    const type = args[0]?.type
    if (args.length !== 1 || type === null || type === undefined) return undefined
    const contains = (acc: readonly unknown[], v: unknown): boolean => {
      const key = valueKey(v)
      return acc.some((x) => valueKey(x) === key)
    }
    const agg: ResolvedAggregate<readonly unknown[]> = {
      returnType: array(type),
      argumentIndexes: [0],
      initial: () => [],
      add: (acc, [v]) => (acc.length >= limit || contains(acc, v) ? acc : [...acc, v ?? null]),
      merge: (a, b) => {
        let out = a
        for (const v of b) if (out.length < limit && !contains(out, v)) out = [...out, v]
        return out
      },
      result: (acc) => [...acc],
    }
    return erase(agg)
  })
}

export function histogramAggregate(limits: CollectionLimits = {}): AggregateFunction {
  const limit = limits.histogramLimit ?? DEFAULT_LIMIT
  return defineAggregate('HISTOGRAM', ['STRING'], (args) => {
    if (args.length !== 1 || !isKind(args[0]?.type, 'STRING')) return undefined
    const agg: ResolvedAggregate<ReadonlyMap<string, number>> = {
      returnType: map(STRING, BIGINT),
      argumentIndexes: [0],
      initial: () => new Map(),
      add: (acc, [v]) => {
        if (v == null) return acc
        const key = v as string
        if (!acc.has(key) && acc.size >= limit) return acc
        return new Map(acc).set(key, (acc.get(key) ?? 0) + 1)
      },
      undo: (acc, [v]) => {
        if (v == null || !acc.has(v as string)) return acc
        const next = new Map(acc)
        const count = (acc.get(v as string) ?? 0) - 1
        if (count <= 0) next.delete(v as string)
        else next.set(v as string, count)
        return next
      },
      merge: (a, b) => {
        const out = new Map(a)
        for (const [k, n] of b) if (out.has(k) || out.size < limit) out.set(k, (out.get(k) ?? 0) + n)
        return out
      },
      result: (acc) => new Map(acc),
    }
    return erase(agg)
  })
}

/**
 * COUNT_DISTINCT: ksqlDB estimates with HyperLogLog; this counts exactly, which equals the estimate
 * for the small cardinalities the lab and the QTT cases use.
 */
export function countDistinctAggregate(): AggregateFunction {
  return defineAggregate('COUNT_DISTINCT', ['T'], (args) => {
    const type = args[0]?.type
    if (args.length !== 1 || type === null || type === undefined) return undefined
    const agg: ResolvedAggregate<ReadonlySet<unknown>> = {
      returnType: BIGINT,
      intermediateType: array(INTEGER),
      argumentIndexes: [0],
      initial: () => new Set(),
      add: (acc, [v]) => {
        if (v == null) return acc
        const key = valueKey(v)
        return acc.has(key) ? acc : new Set(acc).add(key)
      },
      merge: (a, b) => new Set([...a, ...b]),
      result: (acc) => acc.size,
    }
    return erase(agg)
  })
}

const TOPK_KINDS: SqlType['kind'][] = [
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

function literalK(arg: ArgumentInfo | undefined): number | string {
  const value = arg?.literal?.value
  if (!isKind(arg?.type, 'INTEGER') || typeof value !== 'number')
    return 'TopK function requires a literal integer k'
  if (value <= 0) return `Invalid k: ${value}. k must be a positive integer.`
  return value
}

/** Inserts keeping descending order; equal values keep arrival order. */
function insertDescending<T>(
  list: readonly T[],
  item: T,
  sortKey: (t: T) => unknown,
  k: number,
): readonly T[] {
  const key = sortKey(item)
  let i = list.length
  while (i > 0 && compareValues(sortKey(list[i - 1] as T), key) < 0) i--
  if (i >= k) return list
  const out = [...list.slice(0, i), item, ...list.slice(i)]
  return out.length > k ? out.slice(0, k) : out
}

export function topkAggregate(): AggregateFunction {
  return defineAggregate('TOPK', ['T, INT', 'T, ANY..., INT'], (args) => {
    const type = args[0]?.type
    if (args.length < 2 || !isKind(type, ...TOPK_KINDS)) return undefined
    const k = literalK(args[args.length - 1])
    if (typeof k === 'string') return k
    if (args.length === 2) {
      const agg: ResolvedAggregate<readonly unknown[]> = {
        returnType: array(type),
        argumentIndexes: [0],
        initial: () => [],
        add: (acc, [v]) => (v == null ? acc : insertDescending(acc, v, (x) => x, k)),
        merge: (a, b) => b.reduce((out: readonly unknown[], v) => insertDescending(out, v, (x) => x, k), a),
        result: (acc) => [...acc],
      }
      return erase(agg)
    }
    // TOPK(sortCol, col0, col1, ..., k) → ARRAY<STRUCT<sort_col, col0, col1, ...>>
    const others = args.slice(1, -1)
    if (others.some((a) => a.type === null)) return undefined
    const rowType = struct([
      { name: 'sort_col', type },
      ...others.map((a, i) => ({ name: `col${i}`, type: a.type as SqlType })),
    ])
    const indexes = args.slice(0, -1).map((_a, i) => i)
    const toRow = (values: readonly unknown[]): Record<string, unknown> => {
      const row: Record<string, unknown> = { sort_col: values[0] }
      for (let i = 1; i < values.length; i++) row[`col${i - 1}`] = values[i] ?? null
      return row
    }
    const sortKey = (r: Record<string, unknown>): unknown => r.sort_col
    const agg: ResolvedAggregate<readonly Record<string, unknown>[]> = {
      returnType: array(rowType),
      argumentIndexes: indexes,
      initial: () => [],
      add: (acc, values) => (values[0] == null ? acc : insertDescending(acc, toRow(values), sortKey, k)),
      merge: (a, b) =>
        b.reduce((out: readonly Record<string, unknown>[], r) => insertDescending(out, r, sortKey, k), a),
      result: (acc) => [...acc],
    }
    return erase(agg)
  })
}

export function topkDistinctAggregate(): AggregateFunction {
  return defineAggregate('TOPKDISTINCT', ['T, INT'], (args) => {
    const type = args[0]?.type
    if (args.length !== 2 || !isKind(type, ...TOPK_KINDS)) return undefined
    const k = literalK(args[1])
    if (typeof k === 'string') return k
    const addDistinct = (acc: readonly unknown[], v: unknown): readonly unknown[] =>
      v == null || acc.some((x) => compareValues(x, v) === 0) ? acc : insertDescending(acc, v, (x) => x, k)
    const agg: ResolvedAggregate<readonly unknown[]> = {
      returnType: array(type),
      argumentIndexes: [0],
      initial: () => [],
      add: (acc, [v]) => addDistinct(acc, v),
      merge: (a, b) => b.reduce(addDistinct, a),
      result: (acc) => [...acc],
    }
    return erase(agg)
  })
}
