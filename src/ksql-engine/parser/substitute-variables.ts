/**
 * ksqlDB's `${name}` substitution: textual, names case-insensitive; `$${x}` escapes to a literal `${x}`.
 * An undefined reference is an error naming the variable.
 */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): string {
  return text.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string) => {
    if (match.startsWith('$$')) return match.slice(1)
    const value = variables.get(name.toUpperCase())
    if (value === undefined) throw new Error(`Failed to substitute variables:\nUnknown variable: ${name}`)
    return value
  })
}
