import { describe, expect, it } from 'vitest'
import type { EngineErrorKind } from './engine-api.ts'
import { ERROR_RESPONSES, errorResponse, statementErrorKind, type EngineErrorCode } from './engine-errors.ts'
import { StatementError } from './expression/statement-error.ts'
import { ParseError } from './parser/parse-error.ts'
import { UnsupportedStatementError } from './parser/parser.ts'
import { RecordError } from './types/record-error.ts'

/** Listing every code here fails typecheck when a code is added without a test row. */
const EXPECTED: Readonly<Record<EngineErrorCode, readonly [number, number, string]>> = {
  parse: [400, 40001, 'statement_error'],
  statement: [400, 40001, 'statement_error'],
  unsupported: [400, 40001, 'statement_error'],
  record: [500, 50000, 'generic_error'],
  'bad-request': [400, 40000, 'generic_error'],
  'select-on-ksql': [400, 40002, 'statement_error'],
  'not-found': [404, 40400, 'generic_error'],
  unauthorized: [401, 40100, 'generic_error'],
  internal: [500, 50000, 'generic_error'],
}

describe('ERROR_RESPONSES', () => {
  it("maps every code to ksqlDB's HTTP status, error_code and @type", () => {
    expect(Object.keys(ERROR_RESPONSES).sort()).toEqual(Object.keys(EXPECTED).sort())
    for (const [code, [status, errorCode, type]] of Object.entries(EXPECTED)) {
      expect(ERROR_RESPONSES[code as EngineErrorCode], code).toEqual({ status, errorCode, type })
      // ksqlDB's codes are the HTTP status times 100 plus a number.
      expect(Math.floor(errorCode / 100), code).toBe(status)
    }
  })
})

describe('errorResponse', () => {
  it('gives a statement error its statement text and an empty entity list', () => {
    expect(errorResponse('parse', 'line 1:1: Syntax Error', 'SELEC 1;')).toEqual({
      status: 400,
      body: {
        '@type': 'statement_error',
        error_code: 40001,
        message: 'line 1:1: Syntax Error',
        statementText: 'SELEC 1;',
        entities: [],
      },
    })
  })

  it('gives a generic error only its code and message', () => {
    expect(errorResponse('not-found', 'Not found: GET /x')).toEqual({
      status: 404,
      body: { '@type': 'generic_error', error_code: 40400, message: 'Not found: GET /x' },
    })
  })
})

describe('statementErrorKind', () => {
  it("reads each engine error class's code", () => {
    const cases: readonly (readonly [Error, EngineErrorKind])[] = [
      [new ParseError(1, 0, 'Syntax Error'), 'parse'],
      [new StatementError('Cannot add stream'), 'statement'],
      [new UnsupportedStatementError('PAUSE'), 'unsupported'],
    ]
    for (const [error, kind] of cases) expect(statementErrorKind(error)).toBe(kind)
  })

  it('leaves record-level and uncoded errors to the caller', () => {
    expect(new RecordError('bad record').code).toBe('record')
    expect(statementErrorKind(new RecordError('bad record'))).toBeUndefined()
    expect(statementErrorKind(new Error('boom'))).toBeUndefined()
    expect(statementErrorKind('not an error')).toBeUndefined()
  })
})
