import type {
  AggregateFunction,
  FunctionRegistry,
  ResolvedAggregate,
  ScalarFunction,
} from '../functions/function-types.ts'
import { Decimal, isDecimal } from '../types/decimal.ts'
import { BIGINT, INTEGER, STRING, type SqlType } from '../types/sql-type.ts'
import { valueToString } from './cast-value.ts'
import { compareValues } from './compare-values.ts'

/**
 * A small built-in registry (string basics and the common aggregates) so the engine runs on its own;
 * the engine prefers the full library passed in EngineOptions.functions.
 */
export function createBasicFunctionRegistry(): FunctionRegistry {
  const scalars = new Map<string, ScalarFunction>()
  const aggregates = new Map<string, AggregateFunction>()
  const scalar = (
    name: string,
    returnType: (args: readonly (SqlType | null)[]) => SqlType,
    invoke: (args: readonly unknown[], types: readonly (SqlType | null)[]) => unknown,
  ): void => {
    scalars.set(name, {
      name,
      resolve: (args) => {
        const types = args.map((a) => a.type)
        return {
          ok: true,
          value: { returnType: returnType(types), invoke: (values) => invoke(values, types) },
        }
      },
    })
  }
  scalar(
    'UCASE',
    () => STRING,
    ([s]) => (s === null ? null : (s as string).toUpperCase()),
  )
  scalar(
    'LCASE',
    () => STRING,
    ([s]) => (s === null ? null : (s as string).toLowerCase()),
  )
  scalar(
    'LEN',
    () => INTEGER,
    ([s]) => (s === null ? null : [...(s as string)].length),
  )
  scalar(
    'TRIM',
    () => STRING,
    ([s]) => (s === null ? null : (s as string).trim()),
  )
  scalar(
    'CONCAT',
    () => STRING,
    (args, types) => args.map((a, i) => (a === null ? '' : valueToString(a, types[i] ?? null))).join(''),
  )
  scalar(
    'SUBSTRING',
    () => STRING,
    ([s, pos, len]) => {
      if (s === null || pos === null || len === null) return null
      const text = s as string
      let start = (pos as number) < 0 ? text.length + (pos as number) : (pos as number) - 1
      if (start < 0) start = 0
      if (start > text.length) return ''
      return len === undefined ? text.slice(start) : text.slice(start, start + Math.max(0, len as number))
    },
  )
  scalar(
    'ABS',
    (t) => t[0] ?? BIGINT,
    ([x]) => (x === null ? null : isDecimal(x) ? x.abs() : Math.abs(x as number)),
  )
  scalar(
    'IFNULL',
    (t) => t[0] ?? t[1] ?? STRING,
    ([a, b]) => (a === null ? b : a),
  )
  scalar(
    'COALESCE',
    (t) => t.find((x) => x !== null) ?? STRING,
    (args) => args.find((a) => a !== null) ?? null,
  )

  const aggregate = (
    name: string,
    make: (types: readonly (SqlType | null)[]) => ResolvedAggregate<unknown>,
  ): void => {
    aggregates.set(name, { name, resolve: (args) => ({ ok: true, value: make(args.map((a) => a.type)) }) })
  }
  aggregate('COUNT', (types) => ({
    returnType: BIGINT,
    initial: () => 0,
    add: (acc, args) => (types.length === 0 || args[0] !== null ? (acc as number) + 1 : acc),
    undo: (acc, args) => (types.length === 0 || args[0] !== null ? (acc as number) - 1 : acc),
    merge: (a, b) => (a as number) + (b as number),
    result: (acc) => acc,
  }))
  aggregate('SUM', (types) => {
    const type = types[0] ?? BIGINT
    const zero = type.kind === 'DECIMAL' ? new Decimal(0n, type.scale) : 0
    const plus = (a: unknown, b: unknown): unknown =>
      isDecimal(a) ? a.add(b as Decimal) : (a as number) + (b as number)
    const minus = (a: unknown, b: unknown): unknown =>
      isDecimal(a) ? a.subtract(b as Decimal) : (a as number) - (b as number)
    return {
      returnType: type,
      initial: () => zero,
      add: (acc, [v]) => (v === null ? acc : plus(acc, v)),
      undo: (acc, [v]) => (v === null ? acc : minus(acc, v)),
      merge: plus,
      result: (acc) => acc,
    }
  })
  const extreme =
    (sign: number) =>
    (types: readonly (SqlType | null)[]): ResolvedAggregate<unknown> => ({
      returnType: types[0] ?? BIGINT,
      initial: () => null,
      add: (acc, [v]) => (v === null ? acc : acc === null || compareValues(v, acc) * sign > 0 ? v : acc),
      merge: (a, b) => (a === null ? b : b === null ? a : compareValues(b, a) * sign > 0 ? b : a),
      result: (acc) => acc,
    })
  aggregate('MAX', extreme(1))
  aggregate('MIN', extreme(-1))
  aggregate('LATEST_BY_OFFSET', (types) => ({
    returnType: types[0] ?? STRING,
    initial: () => null,
    add: (acc, [v]) => (v === null ? acc : v),
    result: (acc) => acc,
  }))
  aggregate('EARLIEST_BY_OFFSET', (types) => ({
    returnType: types[0] ?? STRING,
    initial: () => ({ seen: false, value: null as unknown }),
    add: (acc, [v]) => ((acc as { seen: boolean }).seen || v === null ? acc : { seen: true, value: v }),
    result: (acc) => (acc as { value: unknown }).value,
  }))
  aggregate('COLLECT_LIST', (types) => ({
    returnType: { kind: 'ARRAY', element: types[0] ?? STRING },
    initial: () => [] as unknown[],
    add: (acc, [v]) => (v === null ? acc : [...(acc as unknown[]), v]),
    undo: (acc, [v]) => {
      const list = [...(acc as unknown[])]
      const i = list.findIndex((x) => compareValues(x, v) === 0)
      if (i >= 0) list.splice(i, 1)
      return list
    },
    merge: (a, b) => [...(a as unknown[]), ...(b as unknown[])],
    result: (acc) => acc,
  }))
  return {
    scalar: (name) => scalars.get(name.toUpperCase()),
    aggregate: (name) => aggregates.get(name.toUpperCase()),
    isAggregate: (name) => aggregates.has(name.toUpperCase()),
  }
}
