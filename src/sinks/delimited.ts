/**
 * ksqlDB's DELIMITED format (spec A4): CSV fields in column order, `"` quotes fields that contain the
 * delimiter or quotes (a quote inside is doubled), an empty field is NULL.
 */
export function parseDelimited(text: string, delimiter = ','): (string | null)[] {
  const fields: (string | null)[] = []
  let i = 0
  for (;;) {
    if (text[i] === '"') {
      let value = ''
      i++
      for (;;) {
        const quote = text.indexOf('"', i)
        if (quote < 0) throw new Error('unterminated quoted field')
        value += text.slice(i, quote)
        if (text[quote + 1] === '"') {
          value += '"'
          i = quote + 2
          continue
        }
        i = quote + 1
        break
      }
      fields.push(value)
      if (i >= text.length) return fields
      if (!text.startsWith(delimiter, i)) throw new Error(`expected "${delimiter}" after a quoted field`)
      i += delimiter.length
      continue
    }
    const next = text.indexOf(delimiter, i)
    const raw = next < 0 ? text.slice(i) : text.slice(i, next)
    fields.push(raw === '' ? null : raw)
    if (next < 0) return fields
    i = next + delimiter.length
  }
}
