/**
 * ksqlDB's `${name}` variable substitution, shared by the engine and the migrations runner so both
 * read a file the same way. Textual; `$${x}` escapes to a literal `${x}`.
 */

/**
 * Variable names are case-insensitive in ksqlDB (`DEFINE name` is referenced as `${NAME}`): every
 * map of variables is keyed by this.
 */
export function variableKey(name: string): string {
  return name.toUpperCase()
}

/**
 * Replaces each `${name}` by its value in `variables` (keyed by variableKey). An undefined
 * reference throws what `unknownVariable` builds, so each caller words its own error.
 */
export function substituteVariables(
  text: string,
  variables: ReadonlyMap<string, string>,
  unknownVariable: (name: string) => Error,
): string {
  return text.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string) => {
    if (match.startsWith('$$')) return match.slice(1)
    const value = variables.get(variableKey(name))
    if (value === undefined) throw unknownVariable(name)
    return value
  })
}
