import { coerceNumber } from '../types/arithmetic.ts'
import { numericRank, widerNumeric } from '../types/implicit-cast.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import type { ArgumentInfo, Resolution, ResolvedScalar, ScalarFunction } from './function-types.ts'
import { ambiguousMessage, formatArgTypes } from './signature.ts'
import { compareValues, sameValue } from './value-order.ts'

/**
 * Functions over "one of several values of the same type": COALESCE, IFNULL, NULLIF, GREATEST,
 * LEAST. Arguments must share a type; numeric arguments are widened to the widest of them.
 */
export function commonType(args: readonly ArgumentInfo[]): SqlType | null | undefined {
  let common: SqlType | null = null
  for (const a of args) {
    if (a.type === null) continue
    if (common === null) {
      common = a.type
      continue
    }
    if (formatSqlType(common) === formatSqlType(a.type)) continue
    if (numericRank(common) !== undefined && numericRank(a.type) !== undefined) {
      common = widerNumeric(common, a.type)
      continue
    }
    return undefined
  }
  return common
}

function coercersTo(target: SqlType, args: readonly ArgumentInfo[]): ((v: unknown) => unknown)[] | undefined {
  const list = args.map((a) => {
    const from = a.type
    if (from === null || formatSqlType(from) === formatSqlType(target)) return undefined
    return (v: unknown): unknown => coerceNumber(v, from, target)
  })
  return list.every((c) => c === undefined) ? undefined : (list as ((v: unknown) => unknown)[])
}

function sameTypeFunction(
  name: string,
  displayName: string,
  arity: { readonly min: number; readonly max: number },
  make: (type: SqlType) => (args: readonly unknown[]) => unknown,
  accepts: (type: SqlType) => boolean = () => true,
): ScalarFunction {
  return {
    name,
    resolve(args): Resolution<ResolvedScalar> {
      const reject = {
        ok: false as const,
        message: `Function '${displayName}' does not accept parameters (${formatArgTypes(args)}).`,
      }
      if (args.length < arity.min || args.length > arity.max) return reject
      const type = commonType(args)
      if (type === undefined || (type !== null && !accepts(type))) return reject
      if (type === null) return { ok: false, message: ambiguousMessage(displayName, args) }
      const impl = make(type)
      const coercers = coercersTo(type, args)
      if (coercers === undefined) return { ok: true, value: { returnType: type, invoke: impl } }
      return {
        ok: true,
        value: {
          returnType: type,
          invoke: (values) => impl(values.map((v, i) => (coercers[i] === undefined ? v : coercers[i](v)))),
        },
      }
    },
  }
}

const COMPARABLE = new Set<SqlType['kind']>([
  'INTEGER',
  'BIGINT',
  'DOUBLE',
  'DECIMAL',
  'STRING',
  'BYTES',
  'TIMESTAMP',
  'DATE',
  'TIME',
])

function extreme(sign: 1 | -1) {
  return () => (args: readonly unknown[]) => {
    let best: unknown = null
    for (const a of args) {
      if (a === null || a === undefined) continue
      if (best === null || compareValues(a, best) * sign > 0) best = a
    }
    return best
  }
}

export function nullFunctions(): ScalarFunction[] {
  const unlimited = Number.MAX_SAFE_INTEGER
  return [
    sameTypeFunction('COALESCE', 'COALESCE', { min: 1, max: unlimited }, () => (args) => {
      for (const a of args) if (a !== null && a !== undefined) return a
      return null
    }),
    sameTypeFunction(
      'IFNULL',
      'ifnull',
      { min: 2, max: 2 },
      () =>
        ([a, b]) =>
          a === null || a === undefined ? b : a,
    ),
    sameTypeFunction('NULLIF', 'nullif', { min: 2, max: 2 }, () => ([a, b]) => {
      if (a === null || a === undefined) return null
      if (b !== null && b !== undefined && compareValues(a, b) === 0 && sameValue(a, b)) return null
      return a
    }),
    sameTypeFunction('GREATEST', 'greatest', { min: 1, max: unlimited }, extreme(1), (t) =>
      COMPARABLE.has(t.kind),
    ),
    sameTypeFunction('LEAST', 'least', { min: 1, max: unlimited }, extreme(-1), (t) =>
      COMPARABLE.has(t.kind),
    ),
  ]
}
