import { coerceNumber } from '../types/arithmetic.ts'
import { numericRank } from '../types/implicit-cast.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import type { ArgumentInfo, Resolution, ResolvedScalar, ScalarFunction } from './function-types.ts'

/**
 * Declarative overloads for built-in scalar functions, resolved the way ksqlDB's UdfIndex does:
 * an exact match wins, otherwise the candidate needing the fewest implicit numeric widenings
 * (INT → BIGINT → DECIMAL → DOUBLE); a NULL literal matches any parameter. Widened arguments are
 * converted before the implementation sees them, so implementations only handle their declared types.
 */
export type Param =
  | { readonly kind: 'type'; readonly type: SqlType }
  | { readonly kind: 'anyDecimal' }
  | { readonly kind: 'any' }
  | { readonly kind: 'generic'; readonly name: string }
  | { readonly kind: 'arrayOf'; readonly element: Param }
  | { readonly kind: 'mapOf'; readonly key: Param; readonly value: Param }

export const P = {
  t: (type: SqlType): Param => ({ kind: 'type', type }),
  decimal: { kind: 'anyDecimal' } as Param,
  any: { kind: 'any' } as Param,
  generic: (name = 'T'): Param => ({ kind: 'generic', name }),
  arrayOf: (element: Param): Param => ({ kind: 'arrayOf', element }),
  mapOf: (key: Param, value: Param): Param => ({ kind: 'mapOf', key, value }),
}

export interface Overload {
  readonly params: readonly Param[]
  /** The last parameter repeats zero or more times. */
  readonly variadic?: boolean
  /** Result type from the (widened) argument types and generic bindings. */
  readonly returns: SqlType | ((ctx: OverloadContext) => SqlType)
  /** Builds the per-record implementation once per call site. */
  readonly build: (ctx: OverloadContext) => (args: readonly unknown[]) => unknown
}

export interface OverloadContext {
  /** Argument types after widening to the parameter types; null for an untyped NULL. */
  readonly types: readonly (SqlType | null)[]
  readonly bindings: ReadonlyMap<string, SqlType>
  readonly args: readonly ArgumentInfo[]
}

interface Match {
  readonly cost: number
  readonly bindings: Map<string, SqlType>
  readonly targets: (SqlType | null)[]
}

export function defineScalar(
  name: string,
  overloads: readonly Overload[],
  displayName = name.toLowerCase(),
): ScalarFunction {
  return {
    name,
    resolve(args) {
      let best: { overload: Overload; match: Match } | undefined
      let tied = false
      for (const overload of overloads) {
        const match = matchOverload(overload, args)
        if (match === undefined) continue
        if (best === undefined || match.cost < best.match.cost) {
          best = { overload, match }
          tied = false
        } else if (match.cost === best.match.cost) {
          tied = true
        }
      }
      if (best === undefined)
        return { ok: false, message: doesNotAcceptMessage(displayName, args, overloads) }
      // Only NULL literals can make two overloads fit equally well (SUBSTRING(NULL, 1): STRING or BYTES?).
      if (tied) return { ok: false, message: ambiguousMessage(displayName, args) }
      return { ok: true, value: instantiate(best.overload, best.match, args) }
    },
  }
}

function instantiate(overload: Overload, match: Match, args: readonly ArgumentInfo[]): ResolvedScalar {
  const ctx: OverloadContext = { types: match.targets, bindings: match.bindings, args }
  const returnType = typeof overload.returns === 'function' ? overload.returns(ctx) : overload.returns
  const impl = overload.build(ctx)
  const coercions = args.map((arg, i) => {
    const target = match.targets[i]
    if (arg.type === null || target === null || target === undefined) return undefined
    if (arg.type.kind === target.kind && target.kind !== 'DECIMAL') return undefined
    if (numericRank(arg.type) === undefined || numericRank(target) === undefined) return undefined
    const from = arg.type
    return (v: unknown): unknown => coerceNumber(v, from, target)
  })
  if (coercions.every((c) => c === undefined)) return { returnType, invoke: impl }
  return {
    returnType,
    invoke: (values) => impl(values.map((v, i) => (coercions[i] === undefined ? v : coercions[i](v)))),
  }
}

function matchOverload(overload: Overload, args: readonly ArgumentInfo[]): Match | undefined {
  const { params } = overload
  if (overload.variadic === true ? args.length < params.length - 1 : args.length !== params.length)
    return undefined
  const bindings = new Map<string, SqlType>()
  const targets: (SqlType | null)[] = []
  let cost = 0
  for (let i = 0; i < args.length; i++) {
    const param = params[Math.min(i, params.length - 1)] as Param
    const type = (args[i] as ArgumentInfo).type
    if (type === null) {
      targets.push(null)
      continue
    }
    const c = matchParam(param, type, bindings)
    if (c === undefined) return undefined
    cost += c.cost
    targets.push(c.target)
  }
  // Variadic overloads rank after fixed ones with the same widening cost.
  return { cost: cost * 2 + (overload.variadic === true ? 1 : 0), bindings, targets }
}

function matchParam(
  param: Param,
  type: SqlType,
  bindings: Map<string, SqlType>,
): { cost: number; target: SqlType } | undefined {
  switch (param.kind) {
    case 'any':
      return { cost: 0, target: type }
    case 'anyDecimal':
      if (type.kind === 'DECIMAL') return { cost: 0, target: type }
      if (type.kind === 'INTEGER') return { cost: 2, target: { kind: 'DECIMAL', precision: 10, scale: 0 } }
      if (type.kind === 'BIGINT') return { cost: 1, target: { kind: 'DECIMAL', precision: 19, scale: 0 } }
      return undefined
    case 'type': {
      const target = param.type
      if (formatSqlType(target) === formatSqlType(type)) return { cost: 0, target }
      const from = numericRank(type)
      const to = numericRank(target)
      if (from !== undefined && to !== undefined && from < to && target.kind !== 'DECIMAL') {
        return { cost: to - from, target }
      }
      return undefined
    }
    case 'generic': {
      const bound = bindings.get(param.name)
      if (bound === undefined) {
        bindings.set(param.name, type)
        return { cost: 0, target: type }
      }
      return formatSqlType(bound) === formatSqlType(type) ? { cost: 0, target: type } : undefined
    }
    case 'arrayOf': {
      if (type.kind !== 'ARRAY') return undefined
      const inner = matchParam(param.element, type.element, bindings)
      return inner === undefined || inner.cost > 0 ? undefined : { cost: 0, target: type }
    }
    case 'mapOf': {
      if (type.kind !== 'MAP') return undefined
      const k = matchParam(param.key, type.key, bindings)
      const v = matchParam(param.value, type.value, bindings)
      return k === undefined || v === undefined || k.cost + v.cost > 0 ? undefined : { cost: 0, target: type }
    }
  }
}

export function formatParam(param: Param): string {
  switch (param.kind) {
    case 'type':
      return formatSqlType(param.type)
    case 'anyDecimal':
      return 'DECIMAL'
    case 'any':
      return 'ANY'
    case 'generic':
      return param.name
    case 'arrayOf':
      return `ARRAY<${formatParam(param.element)}>`
    case 'mapOf':
      return `MAP<${formatParam(param.key)}, ${formatParam(param.value)}>`
  }
}

export function formatArgTypes(args: readonly ArgumentInfo[]): string {
  return args.map((a) => (a.type === null ? 'null' : formatSqlType(a.type))).join(', ')
}

/** ksqlDB's wording: "Function 'substring' does not accept parameters (STRING, BOOLEAN).\nValid alternatives are: ..." */
export function doesNotAcceptMessage(
  displayName: string,
  args: readonly ArgumentInfo[],
  overloads: readonly Overload[],
): string {
  const alternatives = overloads.map((o) => {
    const params = o.params.map(formatParam)
    if (o.variadic === true && params.length > 0)
      params[params.length - 1] = `...${params[params.length - 1]}`
    return `${displayName}(${params.join(', ')})`
  })
  return (
    `Function '${displayName}' does not accept parameters (${formatArgTypes(args)}).\n` +
    `Valid alternatives are:\n${alternatives.join('\n')}\n` +
    'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;'
  )
}

/** ksqlDB's wording when NULL literals leave several overloads equally good. */
export function ambiguousMessage(displayName: string, args: readonly ArgumentInfo[]): string {
  return `Function '${displayName}' cannot be resolved due to ambiguous method parameters (${formatArgTypes(args)}).`
}

/** Wraps an implementation so any NULL argument yields NULL (ksqlDB's usual UDF behaviour). */
export function nullSafe(impl: (args: readonly unknown[]) => unknown): (args: readonly unknown[]) => unknown {
  return (args) => {
    for (const a of args) if (a === null || a === undefined) return null
    return impl(args)
  }
}

export type { Resolution }
