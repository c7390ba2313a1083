import { isEngineError } from '../engine-error.ts'
import { errorMessage, isDipError } from '../../shared/errors.ts'

/** ksqlDB error body: `statement_error` when tied to a statement, else `generic_error`. */
export interface KsqlErrorBody {
  readonly '@type': 'statement_error' | 'generic_error'
  readonly error_code: number
  readonly message: string
  readonly statementText?: string
  readonly entities?: readonly unknown[]
}

export interface HttpError {
  readonly status: number
  readonly body: KsqlErrorBody
}

export const SELECT_ON_KSQL_MESSAGE =
  "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT"

/** The one place errors become HTTP statuses and ksqlDB error codes (status * 100 + n). */
export function toHttpError(error: unknown): HttpError {
  if (isEngineError(error)) {
    return {
      status: 400,
      body: {
        '@type': 'statement_error',
        error_code: 40001,
        message: error.info.message,
        statementText: error.info.statementText,
        entities: [],
      },
    }
  }
  if (error instanceof RequestError) return { status: error.status, body: error.body }
  if (isDipError(error) && error.code === 'DIP_USAGE')
    return { status: 400, body: { '@type': 'generic_error', error_code: 40000, message: error.message } }
  return { status: 500, body: { '@type': 'generic_error', error_code: 50000, message: errorMessage(error) } }
}

/** A request-level failure with its exact ksqlDB status and body. */
export class RequestError extends Error {
  readonly status: number
  readonly body: KsqlErrorBody

  constructor(status: number, body: KsqlErrorBody) {
    super(body.message)
    this.name = 'RequestError'
    this.status = status
    this.body = body
  }
}

export function badRequest(message: string): RequestError {
  return new RequestError(400, { '@type': 'generic_error', error_code: 40000, message })
}

export function selectOnKsql(statementText: string): RequestError {
  return new RequestError(400, {
    '@type': 'statement_error',
    error_code: 40002,
    message: SELECT_ON_KSQL_MESSAGE,
    statementText,
    entities: [],
  })
}

export function notFound(message: string): RequestError {
  return new RequestError(404, { '@type': 'generic_error', error_code: 40400, message })
}
