import { describe, expect, it } from 'vitest'
import type { EngineErrorKind } from './engine-api.ts'
import { DIP_ERROR_CODES, DipError, EXIT_FAILURE, EXIT_USAGE, type DipErrorCode } from '../shared/errors.ts'
import { EngineError } from './engine-error.ts'
import {
  engineCodeOf,
  ERROR_RESPONSES,
  errorResponse,
  statementErrorKind,
  type EngineErrorCode,
} from './engine-errors.ts'
import { toHttpError } from './server/error-codes.ts'
import { StatementError } from './expression/statement-error.ts'
import { ParseError } from './parser/parse-error.ts'
import { UnsupportedStatementError } from './parser/parser.ts'
import { RecordError } from './types/record-error.ts'

type Row = readonly [
  status: number,
  errorCode: number,
  type: string,
  dipCode: DipErrorCode | null,
  exit: number | null,
]

/**
 * Every code's whole meaning: its REST answer, the DipError code it stands for and that code's exit
 * code. Listing every code here fails typecheck when a code is added without a test row.
 */
const EXPECTED: Readonly<Record<EngineErrorCode, Row>> = {
  parse: [400, 40001, 'statement_error', 'DIP_KSQL_PARSE', EXIT_FAILURE],
  statement: [400, 40001, 'statement_error', 'DIP_KSQL_STATEMENT', EXIT_FAILURE],
  unsupported: [400, 40001, 'statement_error', 'DIP_KSQL_UNSUPPORTED', EXIT_FAILURE],
  record: [500, 50000, 'generic_error', null, null],
  'bad-request': [400, 40000, 'generic_error', 'DIP_USAGE', EXIT_USAGE],
  'select-on-ksql': [400, 40002, 'statement_error', null, null],
  'not-found': [404, 40400, 'generic_error', null, null],
  unauthorized: [401, 40100, 'generic_error', null, null],
  internal: [500, 50000, 'generic_error', 'DIP_INTERNAL', EXIT_FAILURE],
}

describe('ERROR_RESPONSES', () => {
  it("maps every code to ksqlDB's HTTP status, error_code and @type, its DipError code and that code's exit code", () => {
    expect(Object.keys(ERROR_RESPONSES).sort()).toEqual(Object.keys(EXPECTED).sort())
    for (const [code, [status, errorCode, type, dipCode, exit]] of Object.entries(EXPECTED)) {
      expect(ERROR_RESPONSES[code as EngineErrorCode], code).toEqual({ status, errorCode, type, dipCode })
      expect(dipCode === null ? null : DIP_ERROR_CODES[dipCode].exitCode, code).toBe(exit)
      // ksqlDB's codes are the HTTP status times 100 plus a number.
      expect(Math.floor(errorCode / 100), code).toBe(status)
    }
  })

  it('names each DipError code in at most one row, so a code has one REST answer', () => {
    const named = Object.values(ERROR_RESPONSES).flatMap((row) => (row.dipCode === null ? [] : [row.dipCode]))
    expect(new Set(named).size).toBe(named.length)
  })
})

describe('an engine error, end to end', () => {
  it.each(['parse', 'statement', 'unsupported'] as const)(
    "carries its kind's DipError code and answers over REST with its kind's row: %s",
    (kind) => {
      const error = new EngineError({ kind, message: 'line 1:1: no', statementText: 'X;' })
      const [status, errorCode, , dipCode, exit] = EXPECTED[kind]
      expect(error.code).toBe(dipCode)
      expect(DIP_ERROR_CODES[error.code].exitCode).toBe(exit)
      expect(toHttpError(error)).toMatchObject({
        status,
        body: { error_code: errorCode, statementText: 'X;' },
      })
    },
  )
})

describe('toHttpError of a DipError', () => {
  it('answers every DipError code with the row that names it, else as an internal error', () => {
    for (const code of Object.keys(DIP_ERROR_CODES) as DipErrorCode[]) {
      const row = Object.entries(EXPECTED).find(([, [, , , dipCode]]) => dipCode === code)
      const [status, errorCode] = row?.[1] ?? EXPECTED.internal
      expect(engineCodeOf(code), code).toBe(row?.[0] ?? 'internal')
      expect(toHttpError(new DipError(code, 'it failed')), code).toMatchObject({
        status,
        body: { error_code: errorCode, message: 'it failed' },
      })
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
