import type { DipErrorCode } from '../shared/errors.ts'
import type { EngineErrorKind } from './engine-api.ts'
import { StatementError } from './expression/statement-error.ts'
import { ParseError } from './parser/parse-error.ts'
import { UnsupportedStatementError } from './parser/parser.ts'

/**
 * Every coded failure the engine and its REST server answer with. The statement-level codes
 * (EngineErrorKind) come from the engine's error classes; the others are request-level.
 */
export type EngineErrorCode =
  | EngineErrorKind // ParseError 'parse', StatementError 'statement', UnsupportedStatementError 'unsupported'
  | 'record' // RecordError: handled per record by the runtime; reaching a response means an internal failure
  | 'bad-request' // a malformed request (body, parameters, target)
  | 'select-on-ksql' // a SELECT or PRINT sent to /ksql instead of /query
  | 'not-found' // an unknown path or command
  | 'unauthorized' // missing or wrong credentials
  | 'internal' // anything uncoded

/** ksqlDB's error body: `statement_error` when tied to a statement, else `generic_error`. */
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

export interface ErrorResponse {
  readonly status: number
  /** ksqlDB's own code: the HTTP status times 100 plus a number. */
  readonly errorCode: number
  readonly type: KsqlErrorBody['@type']
  /**
   * The DipError code (src/shared/errors.ts, which gives its exit code) this answer stands for: the
   * code an EngineError carries, and the answer a DipError of that code gets over REST. Null when
   * no DipError means it (each DipError code names at most one row).
   */
  readonly dipCode: DipErrorCode | null
}

/** The one table from a code to its REST answer and DipError code; a code without a row fails typecheck. */
export const ERROR_RESPONSES = {
  parse: { status: 400, errorCode: 40001, type: 'statement_error', dipCode: 'DIP_KSQL_PARSE' },
  statement: { status: 400, errorCode: 40001, type: 'statement_error', dipCode: 'DIP_KSQL_STATEMENT' },
  unsupported: { status: 400, errorCode: 40001, type: 'statement_error', dipCode: 'DIP_KSQL_UNSUPPORTED' },
  record: { status: 500, errorCode: 50000, type: 'generic_error', dipCode: null },
  'bad-request': { status: 400, errorCode: 40000, type: 'generic_error', dipCode: 'DIP_USAGE' },
  'select-on-ksql': { status: 400, errorCode: 40002, type: 'statement_error', dipCode: null },
  'not-found': { status: 404, errorCode: 40400, type: 'generic_error', dipCode: null },
  unauthorized: { status: 401, errorCode: 40100, type: 'generic_error', dipCode: null },
  internal: { status: 500, errorCode: 50000, type: 'generic_error', dipCode: 'DIP_INTERNAL' },
} as const satisfies Readonly<Record<EngineErrorCode, ErrorResponse>>

/** The row a DipError code names, read off ERROR_RESPONSES; `internal` for a code no row names. */
export function engineCodeOf(dipCode: DipErrorCode): EngineErrorCode {
  const codes = Object.keys(ERROR_RESPONSES) as EngineErrorCode[]
  return codes.find((code) => ERROR_RESPONSES[code].dipCode === dipCode) ?? 'internal'
}

/** The REST answer for a code: statement errors carry the statement text and an empty entity list. */
export function errorResponse(code: EngineErrorCode, message: string, statementText = ''): HttpError {
  const { status, errorCode, type } = ERROR_RESPONSES[code]
  const body: KsqlErrorBody =
    type === 'statement_error'
      ? { '@type': type, error_code: errorCode, message, statementText, entities: [] }
      : { '@type': type, error_code: errorCode, message }
  return { status, body }
}

/** The statement-level code of an engine error class, or undefined for any other error. */
export function statementErrorKind(error: unknown): EngineErrorKind | undefined {
  if (
    error instanceof ParseError ||
    error instanceof StatementError ||
    error instanceof UnsupportedStatementError
  )
    return error.code
  return undefined
}
