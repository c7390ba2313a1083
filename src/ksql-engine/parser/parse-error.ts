/** A syntax error with ksqlDB's `line L:C: ...` prefix (1-based line, 0-based column as ANTLR reports). */
export class ParseError extends Error {
  readonly line: number
  readonly column: number

  constructor(line: number, column: number, detail: string) {
    super(`line ${line}:${column}: ${detail}`)
    this.name = 'ParseError'
    this.line = line
    this.column = column
  }
}
