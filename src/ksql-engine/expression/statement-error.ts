/** A semantic error in a statement, worded as ksqlDB words it; the engine attaches the statement text. */
export class StatementError extends Error {
  /** Its row in ERROR_RESPONSES (engine-errors.ts). */
  readonly code = 'statement'
  constructor(message: string) {
    super(message)
    this.name = 'StatementError'
  }
}
