import { array, type SqlType } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, type OverloadContext } from './signature.ts'
import { valueKey } from './value-order.ts'

/**
 * ARRAY_CONCAT, ARRAY_UNION, ARRAY_INTERSECT, ARRAY_EXCEPT. The set functions keep the first
 * occurrence of each value, in order, comparing by value; NULL arrays give NULL.
 */
const ARR = P.arrayOf(P.generic('T'))
const arrayOfT = (ctx: OverloadContext): SqlType => array(ctx.bindings.get('T') ?? { kind: 'STRING' })

function distinct(values: readonly unknown[], keep: (key: unknown) => boolean = () => true): unknown[] {
  const seen = new Set<unknown>()
  const out: unknown[] = []
  for (const v of values) {
    const key = valueKey(v)
    if (seen.has(key) || !keep(key)) continue
    seen.add(key)
    out.push(v ?? null)
  }
  return out
}

const keysOf = (values: readonly unknown[]): Set<unknown> => new Set(values.map(valueKey))

export function arraySetFunctions(): ScalarFunction[] {
  return [
    defineScalar('ARRAY_CONCAT', [
      {
        params: [ARR, ARR],
        returns: arrayOfT,
        build:
          () =>
          ([a, b]) => {
            if (a == null && b == null) return null
            return [...((a as unknown[] | null) ?? []), ...((b as unknown[] | null) ?? [])]
          },
      },
    ]),
    defineScalar('ARRAY_UNION', [
      {
        params: [ARR, ARR],
        returns: arrayOfT,
        build:
          () =>
          ([a, b]) =>
            a == null || b == null ? null : distinct([...(a as unknown[]), ...(b as unknown[])]),
      },
    ]),
    defineScalar('ARRAY_INTERSECT', [
      {
        params: [ARR, ARR],
        returns: arrayOfT,
        build:
          () =>
          ([a, b]) => {
            if (a == null || b == null) return null
            const other = keysOf(b as unknown[])
            return distinct(a as unknown[], (key) => other.has(key))
          },
      },
    ]),
    defineScalar('ARRAY_EXCEPT', [
      {
        params: [ARR, ARR],
        returns: arrayOfT,
        build:
          () =>
          ([a, b]) => {
            if (a == null || b == null) return null
            const other = keysOf(b as unknown[])
            return distinct(a as unknown[], (key) => !other.has(key))
          },
      },
    ]),
  ]
}
