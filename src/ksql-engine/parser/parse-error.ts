/** A syntax error with ksqlDB's `line L:C: ...` prefix (1-based line, 0-based column as ANTLR reports). */
export class ParseError extends Error {
  /** Its row in ERROR_RESPONSES (engine-errors.ts). */
  readonly code = 'parse'
  readonly line: number
  readonly column: number

  /** `prefix`: ksqlDB's AST builder errors read "Failed to prepare statement: line L:C: ...". */
  constructor(line: number, column: number, detail: string, prefix = '') {
    // ksqlDB prints ANTLR's 0-based column plus one.
    super(`${prefix}line ${line}:${column + 1}: ${detail}`)
    this.name = 'ParseError'
    this.line = line
    this.column = column
  }
}
