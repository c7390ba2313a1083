import type { SqlType } from '../../types/sql-type.ts'
import type { ArgumentInfo, ResolvedAggregate, ResolvedScalar } from '../function-types.ts'
import { createFunctionRegistry } from '../registry.ts'

/** Test helpers: resolve built-ins the way the analyzer does and run them the way the runtime does. */
const registry = createFunctionRegistry()

export type Arg = readonly [SqlType | null, unknown] | readonly [SqlType | null, unknown, 'literal']

function infos(args: readonly Arg[]): ArgumentInfo[] {
  return args.map((a) => (a[2] === 'literal' ? { type: a[0], literal: { value: a[1] } } : { type: a[0] }))
}

export function resolveScalar(name: string, types: readonly (SqlType | null)[]): ResolvedScalar {
  const result = registry.scalar(name)?.resolve(types.map((type) => ({ type })))
  if (result === undefined) throw new Error(`no function ${name}`)
  if (!result.ok) throw new Error(result.message)
  return result.value
}

export function resolveError(name: string, types: readonly (SqlType | null)[]): string {
  const fn = registry.scalar(name) ?? registry.aggregate(name)
  const result = fn?.resolve(types.map((type) => ({ type })))
  if (result === undefined || result.ok) throw new Error(`expected ${name} to reject its arguments`)
  return result.message
}

export function call(name: string, ...args: Arg[]): unknown {
  return resolveScalar(
    name,
    args.map((a) => a[0]),
  ).invoke(args.map((a) => a[1]))
}

export function resolveAggregate(name: string, ...args: Arg[]): ResolvedAggregate<unknown> {
  const result = registry.aggregate(name)?.resolve(infos(args))
  if (result === undefined) throw new Error(`no aggregate ${name}`)
  if (!result.ok) throw new Error(result.message)
  return result.value
}

/** Feeds rows through add and returns every intermediate result, like the runtime's emitted updates. */
export function aggregateAll(
  aggregate: ResolvedAggregate<unknown>,
  rows: readonly (readonly unknown[])[],
): unknown[] {
  let acc = aggregate.initial()
  return rows.map((row) => {
    acc = aggregate.add(acc, row)
    return aggregate.result(acc)
  })
}
