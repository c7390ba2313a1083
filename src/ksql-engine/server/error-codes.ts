import { isEngineError } from '../engine-error.ts'
import {
  engineCodeOf,
  errorResponse,
  type EngineErrorCode,
  type HttpError,
  type KsqlErrorBody,
} from '../engine-errors.ts'
import { errorMessage, isDipError } from '../../shared/errors.ts'

export type { HttpError, KsqlErrorBody } from '../engine-errors.ts'

export const SELECT_ON_KSQL_MESSAGE =
  "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT"

/** The one place errors become REST answers; the statuses and ksqlDB codes live in ERROR_RESPONSES. */
export function toHttpError(error: unknown): HttpError {
  if (isEngineError(error))
    return errorResponse(error.info.kind, error.info.message, error.info.statementText)
  if (error instanceof RequestError) return { status: error.status, body: error.body }
  // Any other coded error answers as its code's row says (DIP_USAGE a 400 bad request), else a 500.
  if (isDipError(error)) return errorResponse(engineCodeOf(error.code), error.message)
  return errorResponse('internal', errorMessage(error))
}

type RequestErrorCode = Extract<EngineErrorCode, 'bad-request' | 'select-on-ksql' | 'not-found'>

/** A request-level failure with its exact ksqlDB status and body. */
export class RequestError extends Error {
  readonly code: RequestErrorCode
  readonly status: number
  readonly body: KsqlErrorBody

  constructor(code: RequestErrorCode, message: string, statementText?: string) {
    super(message)
    this.name = 'RequestError'
    this.code = code
    const { status, body } = errorResponse(code, message, statementText)
    this.status = status
    this.body = body
  }
}

export function badRequest(message: string): RequestError {
  return new RequestError('bad-request', message)
}

export function selectOnKsql(statementText: string): RequestError {
  return new RequestError('select-on-ksql', SELECT_ON_KSQL_MESSAGE, statementText)
}

export function notFound(message: string): RequestError {
  return new RequestError('not-found', message)
}
