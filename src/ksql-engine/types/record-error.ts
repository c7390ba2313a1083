/**
 * A failure while evaluating or (de)serializing one record. The runtime catches it, writes the
 * message to the processing log and skips the record (or yields NULL for the expression), exactly
 * where ksqlDB would log a record-level error instead of failing the query.
 */
export class RecordError extends Error {
  /** Its row in ERROR_RESPONSES (engine-errors.ts). */
  readonly code = 'record'
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options)
    this.name = 'RecordError'
  }
}

export function isRecordError(error: unknown): error is RecordError {
  return error instanceof RecordError
}
