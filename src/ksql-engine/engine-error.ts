import { DipError, type DipErrorCode } from '../shared/errors.ts'
import type { EngineErrorInfo, EngineErrorKind } from './engine-api.ts'

const CODES: Readonly<Record<EngineErrorKind, DipErrorCode>> = {
  parse: 'DIP_KSQL_PARSE',
  statement: 'DIP_KSQL_STATEMENT',
  unsupported: 'DIP_KSQL_UNSUPPORTED',
}

/** A statement-level failure of Engine.execute; the REST layer maps it to a 400 statement_error. */
export class EngineError extends DipError {
  readonly info: EngineErrorInfo

  constructor(info: EngineErrorInfo) {
    super(CODES[info.kind], info.message, { details: { statementText: info.statementText } })
    this.name = 'EngineError'
    this.info = info
  }
}

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError
}
