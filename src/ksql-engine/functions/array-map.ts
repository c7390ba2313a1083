import { BOOLEAN, INTEGER, STRING, array, map, struct, type SqlType } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, nullSafe, type OverloadContext } from './signature.ts'
import { compareValues, valueKey } from './value-order.ts'

/** ARRAY and MAP functions; elements compare like Java's natural ordering of their types. */
const T = P.generic('T')
const ARR = P.arrayOf(T)
const S = P.t(STRING)

const arr = (v: unknown): unknown[] => v as unknown[]
const mp = (v: unknown): Map<string, unknown> => v as Map<string, unknown>
const elementOf = (ctx: OverloadContext): SqlType => ctx.bindings.get('T') ?? STRING

function extremeOf(values: readonly unknown[], sign: 1 | -1): unknown {
  let best: unknown = null
  for (const v of values) {
    if (v === null || v === undefined) continue
    if (best === null || compareValues(v, best) * sign > 0) best = v
  }
  return best
}

export function arrayMapFunctions(): ScalarFunction[] {
  return [...arrayFunctions(), ...mapFunctions()]
}

function arrayFunctions(): ScalarFunction[] {
  return [
    defineScalar('ARRAY_LENGTH', [
      { params: [ARR], returns: INTEGER, build: () => nullSafe(([a]) => arr(a).length) },
    ]),
    defineScalar('ARRAY_CONTAINS', [
      {
        params: [ARR, T],
        returns: BOOLEAN,
        build:
          () =>
          ([a, v]) => {
            if (a === null || a === undefined) return false
            const key = valueKey(v ?? null)
            return arr(a).some((x) => valueKey(x ?? null) === key)
          },
      },
    ]),
    defineScalar('ARRAY_SORT', [
      {
        params: [ARR],
        returns: (ctx) => array(elementOf(ctx)),
        build: () => nullSafe(([a]) => sortArray(arr(a), 'ASC')),
      },
      {
        params: [ARR, S],
        returns: (ctx) => array(elementOf(ctx)),
        build: () =>
          nullSafe(([a, dir]) => {
            const d = (dir as string).toUpperCase()
            return d === 'ASC' || d === 'DESC' ? sortArray(arr(a), d) : null
          }),
      },
    ]),
    defineScalar('ARRAY_MIN', [
      {
        params: [ARR],
        returns: (ctx) => elementOf(ctx),
        build: () => nullSafe(([a]) => extremeOf(arr(a), -1)),
      },
    ]),
    defineScalar('ARRAY_MAX', [
      {
        params: [ARR],
        returns: (ctx) => elementOf(ctx),
        build: () => nullSafe(([a]) => extremeOf(arr(a), 1)),
      },
    ]),
    defineScalar('ARRAY_DISTINCT', [
      {
        params: [ARR],
        returns: (ctx) => array(elementOf(ctx)),
        build: () =>
          nullSafe(([a]) => {
            const seen = new Set<unknown>()
            return arr(a).filter((x) => {
              const k = valueKey(x ?? null)
              if (seen.has(k)) return false
              seen.add(k)
              return true
            })
          }),
      },
    ]),
    defineScalar('ARRAY_REMOVE', [
      {
        params: [ARR, T],
        returns: (ctx) => array(elementOf(ctx)),
        build:
          () =>
          ([a, v]) => {
            if (a === null || a === undefined) return null
            const key = valueKey(v ?? null)
            return arr(a).filter((x) => valueKey(x ?? null) !== key)
          },
      },
    ]),
    defineScalar('ARRAY_JOIN', [
      { params: [ARR], returns: STRING, build: () => nullSafe(([a]) => joinArray(arr(a), ',')) },
      {
        params: [ARR, S],
        returns: STRING,
        build:
          () =>
          ([a, d]) =>
            a == null ? null : joinArray(arr(a), (d as string | null) ?? ''),
      },
    ]),
  ]
}

function mapFunctions(): ScalarFunction[] {
  return [
    defineScalar('MAP_KEYS', [
      {
        params: [P.mapOf(P.t(STRING), T)],
        returns: array(STRING),
        build: () => nullSafe(([m]) => [...mp(m).keys()]),
      },
    ]),
    defineScalar('MAP_VALUES', [
      {
        params: [P.mapOf(P.t(STRING), T)],
        returns: (ctx) => array(elementOf(ctx)),
        build: () => nullSafe(([m]) => [...mp(m).values()]),
      },
    ]),
    defineScalar('AS_MAP', [
      {
        params: [P.arrayOf(P.t(STRING)), P.arrayOf(T)],
        returns: (ctx) => map(STRING, elementOf(ctx)),
        build: () =>
          nullSafe(([keys, values]) => {
            const out = new Map<string, unknown>()
            const ks = arr(keys)
            const vs = arr(values)
            for (let i = 0; i < ks.length; i++) out.set(ks[i] as string, i < vs.length ? vs[i] : null)
            return out
          }),
      },
    ]),
    defineScalar('MAP_UNION', [
      {
        params: [P.mapOf(P.t(STRING), T), P.mapOf(P.t(STRING), T)],
        returns: (ctx) => map(STRING, elementOf(ctx)),
        build:
          () =>
          ([a, b]) => {
            if ((a === null || a === undefined) && (b === null || b === undefined)) return null
            const out = new Map<string, unknown>(a === null || a === undefined ? [] : mp(a))
            if (b !== null && b !== undefined) for (const [k, v] of mp(b)) out.set(k, v)
            return out
          },
      },
    ]),
    defineScalar('ENTRIES', [
      {
        params: [P.mapOf(P.t(STRING), T), P.t(BOOLEAN)],
        returns: (ctx) =>
          array(
            struct([
              { name: 'K', type: STRING },
              { name: 'V', type: elementOf(ctx) },
            ]),
          ),
        build: () =>
          nullSafe(([m, sorted]) => {
            const entries = [...mp(m)].map(([K, V]) => ({ K, V }))
            if (sorted === true) entries.sort((x, y) => (x.K < y.K ? -1 : x.K > y.K ? 1 : 0))
            return entries
          }),
      },
    ]),
    defineScalar('AS_VALUE', [
      {
        params: [P.any],
        returns: (ctx) => ctx.types[0] ?? STRING,
        build:
          () =>
          ([v]) =>
            v ?? null,
      },
    ]),
  ]
}

function sortArray(values: readonly unknown[], direction: 'ASC' | 'DESC'): unknown[] {
  const sign = direction === 'ASC' ? 1 : -1
  // NULLs go last in both directions, as in ksqlDB's ArraySort.
  return [...values].sort((a, b) => {
    if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1
    if (b === null || b === undefined) return -1
    return compareValues(a, b) * sign
  })
}

function joinArray(values: readonly unknown[], delimiter: string): string {
  return values.map((v) => (v === null || v === undefined ? 'null' : String(v))).join(delimiter)
}
