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

export function joinDelimited(fields: readonly (string | null)[], delimiter: string): string {
  return fields
    .map((f) => {
      if (f === null) return ''
      if (f.includes(delimiter) || f.includes('"') || f.includes('\n')) return `"${f.replace(/"/g, '""')}"`
      return f
    })
    .join(delimiter)
}
