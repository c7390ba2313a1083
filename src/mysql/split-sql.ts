/** One statement of a .sql file, without its terminating `;` and leading comments. */
export interface SqlFileStatement {
  readonly sql: string
  /** 1-based line of the statement's first character in the file. */
  readonly line: number
}

/**
 * Splits a MySQL script on `;` outside quotes and comments. Understands '…' and "…" strings
 * (doubled quotes and backslash escapes), `…` identifiers, `-- ` and `#` line comments and
 * /* … *\/ block comments. `DELIMITER` is not supported: dip's schema has no stored programs.
 * Comments inside a statement are kept (MySQL ignores them; /*! … *\/ even carries SQL).
 */
export function splitSql(text: string): SqlFileStatement[] {
  const statements: SqlFileStatement[] = []
  let line = 1
  let start = -1 // index of the current statement's first significant character
  let startLine = 1
  let i = 0

  const begin = () => {
    if (start < 0) {
      start = i
      startLine = line
    }
  }
  const finish = (end: number) => {
    if (start >= 0) statements.push({ sql: text.slice(start, end).trim(), line: startLine })
    start = -1
  }
  /** Advances over text[i..to) counting newlines. */
  const skipTo = (to: number) => {
    for (; i < to; i++) if (text[i] === '\n') line++
  }

  while (i < text.length) {
    const c = text[i]
    const next = text[i + 1]
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') {
      skipTo(i + 1)
    } else if (c === '#' || (c === '-' && next === '-' && isCommentSpace(text[i + 2]))) {
      const end = text.indexOf('\n', i)
      skipTo(end < 0 ? text.length : end)
    } else if (c === '/' && next === '*') {
      const executable = text[i + 2] === '!'
      if (executable) begin()
      const end = text.indexOf('*/', i + 2)
      skipTo(end < 0 ? text.length : end + 2)
    } else if (c === ';') {
      finish(i)
      skipTo(i + 1)
    } else if (c === "'" || c === '"' || c === '`') {
      begin()
      skipTo(endOfQuoted(text, i, c))
    } else {
      begin()
      skipTo(i + 1)
    }
  }
  finish(text.length)
  return statements
}

/** MySQL needs whitespace (or the end) after `--` for it to start a comment. */
function isCommentSpace(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r'
}

/** Index just past the closing quote (or the end of the text when it is missing). */
function endOfQuoted(text: string, open: number, quote: string): number {
  let i = open + 1
  while (i < text.length) {
    const c = text[i]
    if (c === '\\' && quote !== '`') {
      i += 2
    } else if (c === quote) {
      if (text[i + 1] === quote) i += 2
      else return i + 1
    } else {
      i++
    }
  }
  return text.length
}
