import { DipError } from '../shared/errors.ts'
import type { EngineErrorInfo } from './engine-api.ts'
import { ERROR_RESPONSES } from './engine-errors.ts'

/**
 * A statement-level failure of Engine.execute. Its DipError code and its REST answer (a 400
 * statement_error) both come from its kind's row in ERROR_RESPONSES.
 */
export class EngineError extends DipError {
  readonly info: EngineErrorInfo

  constructor(info: EngineErrorInfo) {
    super(ERROR_RESPONSES[info.kind].dipCode, info.message, {
      details: { statementText: info.statementText },
    })
    this.name = 'EngineError'
    this.info = info
  }
}

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError
}
