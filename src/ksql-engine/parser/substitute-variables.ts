import { substituteVariables as substituteShared } from '../../shared/substitute-variables.ts'

/**
 * ksqlDB's `${name}` substitution (src/shared/substitute-variables.ts), with ksqlDB's error for an
 * undefined reference. `variables` is keyed by variableKey.
 */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): string {
  return substituteShared(
    text,
    variables,
    (name) => new Error(`Failed to substitute variables:\nUnknown variable: ${name}`),
  )
}
