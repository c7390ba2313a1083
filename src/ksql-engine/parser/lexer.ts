import { ParseError } from './parse-error.ts'

export type TokenType = 'ident' | 'quoted' | 'string' | 'integer' | 'decimal' | 'double' | 'symbol' | 'eof'

export interface Token {
  readonly type: TokenType
  /** Upper-cased for unquoted identifiers; raw for quoted ones; unescaped for strings. */
  readonly text: string
  readonly raw: string
  readonly offset: number
  readonly line: number
  readonly column: number
}

const SYMBOLS = [
  '=>',
  '->',
  ':=',
  '<=',
  '>=',
  '<>',
  '!=',
  '||',
  '(',
  ')',
  ',',
  ';',
  '.',
  '*',
  '+',
  '-',
  '/',
  '%',
  '=',
  '<',
  '>',
  '[',
  ']',
  ':',
]

/** Splits SQL text into tokens, skipping whitespace and `--` / `/* *\/` comments. */
export function tokenize(sql: string, startLine = 1, startColumn = 0): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = startLine
  let lineStart = -startColumn
  const push = (type: TokenType, text: string, start: number, startLine: number, startCol: number): void => {
    tokens.push({ type, text, raw: sql.slice(start, i), offset: start, line: startLine, column: startCol })
  }
  while (i < sql.length) {
    const c = sql[i] as string
    if (c === '\n') {
      i++
      line++
      lineStart = i
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++
      continue
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++
      continue
    }
    if (c === '/' && sql[i + 1] === '*') {
      i += 2
      while (i < sql.length && !(sql[i] === '*' && sql[i + 1] === '/')) {
        if (sql[i] === '\n') {
          line++
          lineStart = i + 1
        }
        i++
      }
      i += 2
      continue
    }
    const start = i
    const startLine = line
    const startCol = i - lineStart
    if (/[A-Za-z_$@]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$@]/.test(sql[i] as string)) i++
      push('ident', sql.slice(start, i).toUpperCase(), start, startLine, startCol)
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const number = scanNumber(sql, start)
      i = number.end
      const text = sql.slice(start, i)
      push(number.type, number.type === 'ident' ? text.toUpperCase() : text, start, startLine, startCol)
      continue
    }
    if (c === "'") {
      let text = ''
      i++
      for (;;) {
        if (i >= sql.length)
          throw new ParseError(startLine, startCol, "token recognition error at: '" + sql.slice(start) + "'")
        const d = sql[i] as string
        if (d === "'") {
          if (sql[i + 1] === "'") {
            text += "'"
            i += 2
            continue
          }
          i++
          break
        }
        if (d === '\n') {
          line++
          lineStart = i + 1
        }
        text += d
        i++
      }
      push('string', text, start, startLine, startCol)
      continue
    }
    if (c === '`' || c === '"') {
      let text = ''
      i++
      for (;;) {
        if (i >= sql.length)
          throw new ParseError(startLine, startCol, "token recognition error at: '" + sql.slice(start) + "'")
        const d = sql[i] as string
        if (d === c) {
          if (sql[i + 1] === c) {
            text += c
            i += 2
            continue
          }
          i++
          break
        }
        text += d
        i++
      }
      push('quoted', text, start, startLine, startCol)
      continue
    }
    const symbol = SYMBOLS.find((s) => sql.startsWith(s, i))
    if (symbol === undefined) throw new ParseError(startLine, startCol, `token recognition error at: '${c}'`)
    i += symbol.length
    push('symbol', symbol, start, startLine, startCol)
  }
  tokens.push({ type: 'eof', text: '<EOF>', raw: '', offset: sql.length, line, column: i - lineStart })
  return tokens
}

/** The token a number starts at `start`: an integer, decimal or double, or an identifier such as `1R`. */
function scanNumber(sql: string, start: number): { type: TokenType; end: number } {
  let i = start
  while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++
  // ksqlDB accepts identifiers that start with digits (`1R`), but not exponents (`1E5`).
  if (/[A-Za-z_]/.test(sql[i] ?? '') && !/^[eE][-+]?[0-9]/.test(sql.slice(i, i + 3))) {
    while (i < sql.length && /[A-Za-z0-9_$@]/.test(sql[i] as string)) i++
    return { type: 'ident', end: i }
  }
  let type: TokenType = 'integer'
  if (sql[i] === '.' && /[0-9]/.test(sql[i + 1] ?? '')) {
    type = 'decimal'
    i++
    while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++
  } else if (sql[i] === '.' && !/[A-Za-z_]/.test(sql[i + 1] ?? '')) {
    type = 'decimal'
    i++
  }
  if ((sql[i] === 'E' || sql[i] === 'e') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
    type = 'double'
    i++
    if (sql[i] === '+' || sql[i] === '-') i++
    while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++
  }
  return { type, end: i }
}
