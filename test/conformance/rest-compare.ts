/**
 * RQTT response checks as upstream's RestTestExecutor makes them:
 * - `responses[i]` is `{admin: {...}}` or `{query: [...]}`, matched against the i-th actual response
 *   (one per /ksql entity, then one per query) - there may be more actual responses than expected;
 * - expected objects match partially: only the keys they name, recursively; a key `name|STARTS_WITH`
 *   compares a string prefix; `{STATEMENT}` in an expected string stands for the i-th statement;
 * - a query response must have exactly as many elements (header, rows, final message) as expected;
 * - `expectedError` {type, message, status}: the error body's class (statement_error is a
 *   KsqlStatementErrorMessage, whose statementText must contain the case's last statement), a
 *   message substring and the HTTP status.
 */
import type { QttExpectedError, QttResponse } from './qtt-case.ts'
import type { StreamedRow } from './query-body.ts'

export type ActualResponse =
  | { readonly kind: 'admin'; readonly entity: Readonly<Record<string, unknown>> }
  | { readonly kind: 'query'; readonly rows: readonly StreamedRow[] }

export interface ResponseMismatch {
  /** Short, groupable: `admin response`, `query row count`, `query header`, `query row`, ... */
  readonly category: string
  readonly detail: string
}

const STATEMENT_MACRO = /\{STATEMENT\}/g

export function responsesMismatch(
  expected: readonly QttResponse[],
  actual: readonly ActualResponse[],
  statements: readonly string[],
): ResponseMismatch | null {
  if (actual.length < expected.length) {
    return {
      category: 'not enough responses',
      detail: `expected ${expected.length} responses, got ${actual.length}`,
    }
  }
  for (const [i, response] of expected.entries()) {
    const got = actual[i]!
    const statement = statements[i]
    if ('admin' in response) {
      if (got.kind !== 'admin')
        return { category: 'response kind', detail: `responses[${i}]: expected admin, got a query` }
      const problem = fieldsMismatch(got.entity, response.admin, statement, `responses[${i}]->admin`)
      if (problem !== null) return { category: 'admin response', detail: problem }
      continue
    }
    if (got.kind !== 'query')
      return { category: 'response kind', detail: `responses[${i}]: expected a query, got admin` }
    const rows = response.query
    if (got.rows.length !== rows.length) {
      return {
        category: `query ${elementKinds(rows) === elementKinds(got.rows) ? 'row' : 'element'} count`,
        detail:
          `responses[${i}]: expected ${rows.length} elements ${compact(rows)}, ` +
          `got ${got.rows.length} ${compact(got.rows)}`,
      }
    }
    for (const [j, row] of rows.entries()) {
      const problem = fieldsMismatch(got.rows[j]!, row, statement, `responses[${i}]->query[${j}]`)
      if (problem !== null) return { category: `query ${Object.keys(row)[0] ?? 'element'}`, detail: problem }
    }
  }
  return null
}

/** Upstream's matchResponseFields: the first difference as `path: expected … got …`, or null. */
export function fieldsMismatch(
  actual: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<string, unknown>>,
  statement: string | undefined,
  path: string,
): string | null {
  for (const [rawKey, rawValue] of Object.entries(expected)) {
    const bar = rawKey.indexOf('|')
    const key = bar === -1 ? rawKey : rawKey.slice(0, bar)
    const operator = bar === -1 ? 'EQUALS' : rawKey.slice(bar + 1).toUpperCase()
    const value =
      typeof rawValue === 'string' && statement !== undefined
        ? rawValue.replace(STATEMENT_MACRO, () => statement)
        : rawValue
    if (!(key in actual)) return `${path}: no field "${key}" in ${JSON.stringify(actual)}`
    const got = actual[key]
    const at = `${path}->${key}`
    if (isObject(value)) {
      if (!isObject(got)) return `${at}: expected an object, got ${JSON.stringify(got)}`
      const inner = fieldsMismatch(got, value, statement, at)
      if (inner !== null) return inner
    } else if (operator === 'STARTS_WITH') {
      if (typeof got !== 'string' || typeof value !== 'string' || !got.startsWith(value))
        return `${at}: expected to start with ${JSON.stringify(value)}, got ${JSON.stringify(got)}`
    } else if (!jsonEqual(value, got)) {
      return `${at}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`
    }
  }
  return null
}

/**
 * Deep equality of parsed JSON. Numbers compare by value: JSON text `1.0` and `1` parse to the same
 * JavaScript number, so a DOUBLE printed without its `.0` cannot be told apart here.
 */
export function jsonEqual(expected: unknown, actual: unknown): boolean {
  if (expected === null || actual === null) return expected === actual
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => jsonEqual(e, actual[i]))
    )
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return false
    const keys = Object.keys(expected)
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((k) => k in actual && jsonEqual(expected[k], actual[k]))
    )
  }
  return expected === actual
}

/** An HTTP error response as the client sees it. */
export interface ErrorResponse {
  readonly status: number
  readonly body: Readonly<Record<string, unknown>>
}

const STATEMENT_ERROR_TYPE = 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage'
const ERROR_TYPE = 'io.confluent.ksql.rest.entity.KsqlErrorMessage'

/** Why an error response does not satisfy `expectedError`, or null when it does. */
export function errorMismatch(
  expected: QttExpectedError,
  actual: ErrorResponse,
  lastStatement: string,
): ResponseMismatch | null {
  const message = typeof actual.body['message'] === 'string' ? actual.body['message'] : ''
  const isStatementError = actual.body['@type'] === 'statement_error'
  if (expected.type !== undefined) {
    if (expected.type === STATEMENT_ERROR_TYPE) {
      if (!isStatementError)
        return {
          category: 'error type',
          detail: `expected a statement_error, got ${JSON.stringify(actual.body)}`,
        }
      const text = typeof actual.body['statementText'] === 'string' ? actual.body['statementText'] : ''
      if (!text.includes(lastStatement)) {
        return {
          category: 'error statementText',
          detail: `statementText ${JSON.stringify(text)} does not contain ${JSON.stringify(lastStatement)}`,
        }
      }
    } else if (expected.type !== ERROR_TYPE) {
      return { category: 'error type', detail: `unknown expected error type ${expected.type}` }
    }
  }
  if (expected.message !== undefined && !message.includes(expected.message)) {
    return {
      category: 'wrong error message',
      detail: `expected message containing ${JSON.stringify(expected.message)}, got ${JSON.stringify(message)}`,
    }
  }
  if (expected.status !== undefined && expected.status !== actual.status) {
    return {
      category: 'error status',
      detail: `expected HTTP ${expected.status}, got ${actual.status}: ${message}`,
    }
  }
  return null
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function elementKinds(rows: readonly Readonly<Record<string, unknown>>[]): string {
  return rows
    .map((r) => Object.keys(r)[0] ?? '')
    .filter((k) => k !== 'row')
    .join(',')
}

function compact(rows: readonly Readonly<Record<string, unknown>>[]): string {
  const text = JSON.stringify(rows)
  return text.length <= 400 ? text : `${text.slice(0, 400)}…`
}
