import { BIGINT, array, struct, type SqlType } from '../../types/sql-type.ts'
import type { AggregateFunction, ArgumentInfo, ResolvedAggregate } from '../function-types.ts'
import { defineAggregate, erase, isKind } from './aggregate-helpers.ts'

/**
 * LATEST_BY_OFFSET / EARLIEST_BY_OFFSET (col [, n] [, ignoreNulls = true]). Each kept value carries
 * a sequence number from one process-wide counter, so merging two session windows' states keeps
 * the values that really arrived last (or first). No undo: stream sources only.
 */
let sequence = 0

interface Entry {
  readonly seq: number
  readonly value: unknown
}

function literalOf(arg: ArgumentInfo | undefined): unknown {
  return arg?.literal?.value
}

function byOffsetAggregate(name: 'LATEST_BY_OFFSET' | 'EARLIEST_BY_OFFSET'): AggregateFunction {
  const latest = name === 'LATEST_BY_OFFSET'
  return defineAggregate(name, ['T', 'T, BOOLEAN', 'T, INT', 'T, INT, BOOLEAN'], (args) => {
    const type = args[0]?.type
    if (type === null || type === undefined || args.length < 1 || args.length > 3) return undefined
    let n: number | undefined
    let ignoreNulls = true
    const second = args[1]
    const third = args[2]
    if (second !== undefined) {
      if (isKind(second.type, 'BOOLEAN') && args.length === 2) ignoreNulls = literalOf(second) !== false
      else if (isKind(second.type, 'INTEGER')) n = Number(literalOf(second))
      else return undefined
    }
    if (third !== undefined) {
      if (!isKind(third.type, 'BOOLEAN') || n === undefined) return undefined
      ignoreNulls = literalOf(third) !== false
    }
    // ksqlDB's wording (shared by both functions).
    if (n !== undefined && !(Number.isInteger(n) && n > 0)) return 'earliestN must be 1 or greater'
    const intermediate = struct([
      { name: 'SEQ', type: BIGINT },
      { name: 'VAL', type },
    ])
    return n === undefined
      ? single(type, latest, ignoreNulls, intermediate)
      : multiple(type, latest, ignoreNulls, n, intermediate)
  })
}

function single(type: SqlType, latest: boolean, ignoreNulls: boolean, intermediate: SqlType) {
  const agg: ResolvedAggregate<Entry | null> = {
    returnType: type,
    intermediateType: intermediate,
    argumentIndexes: [0],
    initial: () => null,
    add: (acc, [v]) => {
      if (ignoreNulls && v == null) return acc
      if (!latest && acc !== null) return acc
      return { seq: ++sequence, value: v ?? null }
    },
    merge: (a, b) => {
      if (a === null) return b
      if (b === null) return a
      return latest === a.seq > b.seq ? a : b
    },
    result: (acc) => acc?.value ?? null,
  }
  return erase(agg)
}

function multiple(type: SqlType, latest: boolean, ignoreNulls: boolean, n: number, intermediate: SqlType) {
  const keep = (entries: readonly Entry[]): readonly Entry[] =>
    entries.length <= n ? entries : latest ? entries.slice(entries.length - n) : entries.slice(0, n)
  const agg: ResolvedAggregate<readonly Entry[]> = {
    returnType: array(type),
    intermediateType: array(intermediate),
    argumentIndexes: [0],
    initial: () => [],
    add: (acc, [v]) => {
      if (ignoreNulls && v == null) return acc
      if (!latest && acc.length >= n) return acc
      return keep([...acc, { seq: ++sequence, value: v ?? null }])
    },
    merge: (a, b) => keep([...a, ...b].sort((x, y) => x.seq - y.seq)),
    result: (acc) => acc.map((e) => e.value),
  }
  return erase(agg)
}

export function latestByOffsetAggregate(): AggregateFunction {
  return byOffsetAggregate('LATEST_BY_OFFSET')
}

export function earliestByOffsetAggregate(): AggregateFunction {
  return byOffsetAggregate('EARLIEST_BY_OFFSET')
}
