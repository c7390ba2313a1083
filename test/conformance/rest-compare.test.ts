import { describe, expect, it } from 'vitest'
import { errorMismatch, fieldsMismatch, jsonEqual, responsesMismatch } from './rest-compare.ts'

const STATEMENT_ERROR = 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage'

describe('RQTT response matching', () => {
  it('matches admin entities partially, recursively, with STARTS_WITH and {STATEMENT}', () => {
    const entity = {
      '@type': 'currentStatus',
      statementText: "CREATE STREAM S (ID INT) WITH (kafka_topic='s');",
      commandStatus: { status: 'SUCCESS', message: 'Stream created', queryId: null },
    }
    const statement = "CREATE STREAM S (ID INT) WITH (kafka_topic='s');"
    expect(fieldsMismatch(entity, { '@type': 'currentStatus' }, statement, 'r')).toBeNull()
    expect(fieldsMismatch(entity, { statementText: '{STATEMENT}' }, statement, 'r')).toBeNull()
    expect(
      fieldsMismatch(entity, { commandStatus: { 'message|STARTS_WITH': 'Stream' } }, statement, 'r'),
    ).toBeNull()
    expect(fieldsMismatch(entity, { commandStatus: { status: 'ERROR' } }, statement, 'r')).toBe(
      'r->commandStatus->status: expected "ERROR", got "SUCCESS"',
    )
    expect(fieldsMismatch(entity, { commandId: 'x' }, statement, 'r')).toMatch(/no field "commandId"/)
  })

  it('compares JSON values exactly, numbers by value', () => {
    expect(jsonEqual([1, 'a', { X: [null] }], [1.0, 'a', { X: [null] }])).toBe(true)
    expect(jsonEqual({ A: 1 }, { A: 1, B: 2 })).toBe(false)
    expect(jsonEqual([1, 2], [2, 1])).toBe(false)
    expect(jsonEqual(null, 0)).toBe(false)
  })

  it('needs each query response to have exactly the expected elements, in order', () => {
    const expected = [
      { admin: { '@type': 'currentStatus' } },
      { query: [{ header: { schema: '`ID` INTEGER KEY' } }, { row: { columns: [1] } }] },
    ]
    const admin = { kind: 'admin', entity: { '@type': 'currentStatus' } } as const
    const header = { header: { queryId: 'q', schema: '`ID` INTEGER KEY' } }
    const statements = ['CREATE …;', 'SELECT …;']
    expect(
      responsesMismatch(
        expected,
        [admin, { kind: 'query', rows: [header, { row: { columns: [1] } }] }],
        statements,
      ),
    ).toBeNull()
    expect(
      responsesMismatch(
        expected,
        [
          admin,
          { kind: 'query', rows: [header, { row: { columns: [1] } }, { finalMessage: 'Query Completed' }] },
        ],
        statements,
      )?.category,
    ).toBe('query element count')
    expect(
      responsesMismatch(
        expected,
        [admin, { kind: 'query', rows: [header, { row: { columns: [2] } }] }],
        statements,
      )?.category,
    ).toBe('query row')
    expect(responsesMismatch(expected, [admin], statements)?.category).toBe('not enough responses')
  })

  it('checks expectedError type, statementText, message substring and status', () => {
    const body = {
      '@type': 'statement_error',
      error_code: 40001,
      message: "Pull queries don't support LIMIT clauses.",
      statementText: 'SELECT * FROM T LIMIT 1;',
    }
    const last = 'SELECT * FROM T LIMIT 1;'
    const expected = { type: STATEMENT_ERROR, message: 'support LIMIT', status: 400 }
    expect(errorMismatch(expected, { status: 400, body }, last)).toBeNull()
    expect(errorMismatch(expected, { status: 500, body }, last)?.category).toBe('error status')
    expect(errorMismatch({ ...expected, message: 'other' }, { status: 400, body }, last)?.category).toBe(
      'wrong error message',
    )
    expect(errorMismatch(expected, { status: 400, body }, 'SELECT 2;')?.category).toBe('error statementText')
    const generic = { '@type': 'generic_error', error_code: 40000, message: 'bad' }
    expect(errorMismatch({ type: STATEMENT_ERROR }, { status: 400, body: generic }, last)?.category).toBe(
      'error type',
    )
    expect(
      errorMismatch(
        { type: 'io.confluent.ksql.rest.entity.KsqlErrorMessage' },
        { status: 400, body: generic },
        last,
      ),
    ).toBeNull()
  })
})
