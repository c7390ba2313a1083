import { splitStatements } from '../shared/split-statements.ts'
import { DipError } from '../shared/errors.ts'
import { substituteVariables as substituteShared } from '../shared/substitute-variables.ts'

/** A statement of a migration file, with its line for error messages. */
export type FileStatement =
  | {
      readonly kind: 'set'
      readonly line: number
      readonly text: string
      readonly name: string
      readonly value: string
    }
  | { readonly kind: 'unset'; readonly line: number; readonly text: string; readonly name: string }
  | {
      readonly kind: 'define'
      readonly line: number
      readonly text: string
      readonly name: string
      readonly value: string
    }
  | { readonly kind: 'undefine'; readonly line: number; readonly text: string; readonly name: string }
  | { readonly kind: 'server'; readonly line: number; readonly text: string }

/**
 * Splits a file like ksql-migrations: SET/UNSET/DEFINE/UNDEFINE are handled by the client and scoped
 * to the file; everything else goes to the server one statement at a time.
 */
export function fileStatements(sql: string): FileStatement[] {
  return splitStatements(sql).map((slice) => {
    const text = slice.text
    const body = text.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '').trim()
    const line = slice.line + (text.slice(0, text.length - body.length).match(/\n/g)?.length ?? 0)
    let m = /^SET\s+'([^']+)'\s*=\s*'((?:[^']|'')*)'\s*;?$/i.exec(body)
    if (m !== null)
      return { kind: 'set', line, text: body, name: m[1] ?? '', value: (m[2] ?? '').replace(/''/g, "'") }
    m = /^UNSET\s+'([^']+)'\s*;?$/i.exec(body)
    if (m !== null) return { kind: 'unset', line, text: body, name: m[1] ?? '' }
    m = /^DEFINE\s+([A-Za-z_]\w*)\s*=\s*'((?:[^']|'')*)'\s*;?$/i.exec(body)
    if (m !== null)
      return { kind: 'define', line, text: body, name: m[1] ?? '', value: (m[2] ?? '').replace(/''/g, "'") }
    m = /^UNDEFINE\s+([A-Za-z_]\w*)\s*;?$/i.exec(body)
    if (m !== null) return { kind: 'undefine', line, text: body, name: m[1] ?? '' }
    return { kind: 'server', line, text: body }
  })
}

/** `${name}` → value (names case-insensitive, keyed by variableKey); `$${x}` stays a literal `${x}`. */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): string {
  return substituteShared(
    text,
    variables,
    (name) =>
      new DipError('DIP_USAGE', `Variable \${${name}} is not defined.`, {
        hint: `define it in the file (DEFINE ${name} = '...';) or pass --define ${name}=...`,
      }),
  )
}
