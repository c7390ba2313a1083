/** CSV-style splitting/joining used by the DELIMITED format (quotes doubled inside quoted fields). */
export function splitDelimited(line: string, delimiter: string): string[] {
  const fields: string[] = []
  let i = 0
  let field = ''
  let quoted = false
  let wasQuoted = false
  while (i < line.length) {
    const ch = line[i] as string
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      field += ch
      i++
      continue
    }
    if (ch === '"' && field === '') {
      quoted = true
      wasQuoted = true
      i++
      continue
    }
    if (line.startsWith(delimiter, i)) {
      fields.push(wasQuoted ? field : field)
      field = ''
      wasQuoted = false
      i += delimiter.length
      continue
    }
    field += ch
    i++
  }
  fields.push(field)
  return fields
}

/**
 * Joins fields as commons-csv's MINIMAL quote mode does (what ksqlDB uses): quote a field holding the
 * delimiter, a quote or a line break, starting with a character <= '#', ending with whitespace, or —
 * for the first field only — starting with a non-alphanumeric character or being empty.
 */
export function joinDelimited(fields: readonly (string | null)[], delimiter: string): string {
  return fields
    .map((f, i) => {
      if (f === null) return ''
      if (needsQuotes(f, delimiter, i === 0)) return `"${f.replace(/"/g, '""')}"`
      return f
    })
    .join(delimiter)
}

function needsQuotes(field: string, delimiter: string, first: boolean): boolean {
  if (field.length === 0) return first
  const c = field.charCodeAt(0)
  if (c <= 0x23) return true
  if (first && (c < 0x30 || (c > 0x39 && c < 0x41) || (c > 0x5a && c < 0x61) || c > 0x7a)) return true
  if (field.includes(delimiter) || field.includes('"') || field.includes('\n') || field.includes('\r'))
    return true
  return field.charCodeAt(field.length - 1) <= 0x20
}
