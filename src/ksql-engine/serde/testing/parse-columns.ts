import type { SqlType } from '../../types/sql-type.ts'

/**
 * A small reader for the column lists and WITH clauses of QTT CREATE statements, so the serde
 * tests can replay QTT pass-through cases without the engine. Not a SQL parser: it accepts only
 * `name TYPE [KEY | PRIMARY KEY]` lists and `key = value` properties.
 */
export interface ParsedColumn {
  readonly name: string
  readonly type: SqlType
  readonly key: boolean
}

export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = []
  let depth = 0
  let quote: string | undefined
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      continue
    }
    if (c === "'" || c === '`') quote = c
    else if (c === '<' || c === '(') depth++
    else if (c === '>' || c === ')') depth--
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(text.slice(start).trim())
  return parts.filter((p) => p !== '')
}

export function parseIdentifier(text: string): string {
  const t = text.trim()
  return t.startsWith('`') ? t.slice(1, -1) : t.toUpperCase()
}

export function parseType(text: string): SqlType {
  const t = text.trim()
  const upper = t.toUpperCase()
  const generic = /^(ARRAY|MAP|STRUCT)\s*<(.*)>$/is.exec(t)
  if (generic !== null) {
    const kind = (generic[1] as string).toUpperCase()
    const inner = generic[2] as string
    if (kind === 'ARRAY') return { kind: 'ARRAY', element: parseType(inner) }
    if (kind === 'MAP') {
      const [k, v] = splitTopLevel(inner)
      return { kind: 'MAP', key: parseType(k ?? ''), value: parseType(v ?? '') }
    }
    return {
      kind: 'STRUCT',
      fields: splitTopLevel(inner).map((f) => {
        const m = /^(`[^`]+`|\S+)\s+(.*)$/s.exec(f)
        if (m === null) throw new Error(`bad struct field: ${f}`)
        return { name: parseIdentifier(m[1] as string), type: parseType(m[2] as string) }
      }),
    }
  }
  const dec = /^DECIMAL\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(t)
  if (dec !== null) return { kind: 'DECIMAL', precision: Number(dec[1]), scale: Number(dec[2]) }
  const simple: Record<string, SqlType> = {
    BOOLEAN: { kind: 'BOOLEAN' },
    INT: { kind: 'INTEGER' },
    INTEGER: { kind: 'INTEGER' },
    BIGINT: { kind: 'BIGINT' },
    DOUBLE: { kind: 'DOUBLE' },
    STRING: { kind: 'STRING' },
    VARCHAR: { kind: 'STRING' },
    BYTES: { kind: 'BYTES' },
    TIMESTAMP: { kind: 'TIMESTAMP' },
    DATE: { kind: 'DATE' },
    TIME: { kind: 'TIME' },
  }
  const type = simple[upper]
  if (type === undefined) throw new Error(`unsupported type: ${t}`)
  return type
}

export function parseColumns(list: string): ParsedColumn[] {
  return splitTopLevel(list).map((def) => {
    const m = /^(`[^`]+`|\S+)\s+(.*?)(\s+PRIMARY\s+KEY|\s+KEY)?$/is.exec(def)
    if (m === null) throw new Error(`bad column: ${def}`)
    return { name: parseIdentifier(m[1] as string), type: parseType(m[2] as string), key: m[3] !== undefined }
  })
}

export function parseWith(clause: string): Record<string, string> {
  const props: Record<string, string> = {}
  for (const part of splitTopLevel(clause)) {
    const m = /^(\w+)\s*=\s*(.*)$/s.exec(part)
    if (m === null) continue
    const raw = (m[2] as string).trim()
    props[(m[1] as string).toUpperCase()] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll("''", "'") : raw
  }
  return props
}
