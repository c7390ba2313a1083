/** A semantic error in a statement, worded as ksqlDB words it; the engine attaches the statement text. */
export class StatementError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StatementError'
  }
}
