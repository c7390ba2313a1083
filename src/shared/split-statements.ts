/** One statement's raw text (including its `;`) and where it starts in the request. */
export interface StatementSlice {
  readonly text: string
  readonly line: number
  readonly column: number
}

/** Splits on `;` outside quotes and comments; trailing whitespace-only text is dropped. */
export function splitStatements(sql: string): StatementSlice[] {
  const slices: StatementSlice[] = []
  let start = 0
  let i = 0
  const positionOf = (offset: number): { line: number; column: number } => {
    const before = sql.slice(0, offset)
    const line = before.split('\n').length
    return { line, column: offset - (before.lastIndexOf('\n') + 1) }
  }
  const pushSlice = (end: number): void => {
    const raw = sql.slice(start, end)
    const lead = leadingNoise(raw)
    const text = raw.slice(lead).trim()
    if (text !== '' && !isOnlyComments(text)) slices.push({ text, ...positionOf(start + lead) })
  }
  while (i < sql.length) {
    const c = sql[i]
    if (c === "'" || c === '`' || c === '"') {
      i++
      while (i < sql.length) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2
          else break
        } else i++
      }
      i++
      continue
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++
      continue
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? sql.length : end + 2
      continue
    }
    if (c === ';') {
      pushSlice(i + 1)
      start = i + 1
    }
    i++
  }
  pushSlice(sql.length)
  return slices
}

function isOnlyComments(text: string): boolean {
  return (
    text
      .replace(/--[^\n]*/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .trim() === ''
  )
}

/** Length of the leading whitespace and comments, which do not belong to the statement text. */
function leadingNoise(text: string): number {
  let i = 0
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i++
    if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i)
      i = end < 0 ? text.length : end + 1
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 2
    } else return i
  }
}
