import { formatSqlType, type SqlType } from '../../types/sql-type.ts'
import type { AggregateFunction, ArgumentInfo, Resolution, ResolvedAggregate } from '../function-types.ts'
import { formatArgTypes } from '../signature.ts'

export { compareValues, valueKey } from '../value-order.ts'

/** Shared plumbing for the built-in aggregates: resolution failures worded like ksqlDB's. */
export type AggregateResolver = (
  args: readonly ArgumentInfo[],
) => ResolvedAggregate<unknown> | string | undefined

export function defineAggregate(
  name: string,
  alternatives: readonly string[],
  resolver: AggregateResolver,
  displayName = name.toLowerCase(),
): AggregateFunction {
  return {
    name,
    resolve(args): Resolution<ResolvedAggregate<unknown>> {
      const result = resolver(args)
      if (result === undefined) {
        return {
          ok: false,
          message:
            `Function '${displayName}' does not accept parameters (${formatArgTypes(args)}).\n` +
            `Valid alternatives are:\n${alternatives.map((a) => `${displayName}(${a})`).join('\n')}`,
        }
      }
      if (typeof result === 'string') return { ok: false, message: result }
      return { ok: true, value: result }
    },
  }
}

/** Erases the accumulator type for the registry's `ResolvedAggregate<unknown>`. */
export function erase<A>(aggregate: ResolvedAggregate<A>): ResolvedAggregate<unknown> {
  return aggregate as unknown as ResolvedAggregate<unknown>
}

/** The literal value of argument i, when it is a literal. */
export function literalArg(
  args: readonly ArgumentInfo[],
  i: number,
): { readonly value: unknown } | undefined {
  return args[i]?.literal
}

export function isKind(type: SqlType | null | undefined, ...kinds: SqlType['kind'][]): type is SqlType {
  return type !== null && type !== undefined && kinds.includes(type.kind)
}

export function typeText(type: SqlType | null | undefined): string {
  return type === null || type === undefined ? 'null' : formatSqlType(type)
}

/** "A", "A and B", "A, B and C" (ksqlDB's GrammaticalJoiner). */
export function joinGrammatically(names: readonly string[]): string {
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`
}

/** The analyzer's message when aggregates without undo are used on a table source. */
export function tableSourceNotSupportedMessage(functionNames: readonly string[]): string {
  return (
    `The aggregation functions ${joinGrammatically(functionNames)} cannot be applied to a table source, ` +
    'only to a stream source.'
  )
}

export const INTERMEDIATE_TYPE_NOT_SUPPORTED_MESSAGE =
  'One of the functions used in the statement has an intermediate type that the value format can not handle. ' +
  'Please remove the function or change the format.'
