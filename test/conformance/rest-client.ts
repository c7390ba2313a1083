/**
 * The two requests a ksqlDB client makes in RQTT: POST /ksql (admin statements, one request) and
 * POST /query (one SELECT, chunked JSON array read as it streams), with the case's properties as
 * `streamsProperties`, as KsqlRestClient sends them.
 */
import { QueryBodyParser, type StreamedRow } from './query-body.ts'
import type { ErrorResponse } from './rest-compare.ts'

const KSQL_TYPE = 'application/vnd.ksql.v1+json'

export type KsqlReply =
  | { readonly ok: true; readonly entities: readonly Readonly<Record<string, unknown>>[] }
  | { readonly ok: false; readonly error: ErrorResponse }

export type QueryReply =
  | { readonly ok: true; readonly rows: readonly StreamedRow[] }
  | { readonly ok: false; readonly error: ErrorResponse }
  /** The server kept the response open past the deadline (a push query that never ends). */
  | { readonly ok: 'timeout'; readonly rows: readonly StreamedRow[] }

export async function postKsql(
  baseUrl: string,
  sql: string,
  streamsProperties: Readonly<Record<string, unknown>>,
): Promise<KsqlReply> {
  const response = await post(baseUrl, '/ksql', { ksql: sql, streamsProperties })
  const text = await response.text()
  const body = parseJson(text, '/ksql')
  if (response.status !== 200) return { ok: false, error: { status: response.status, body: asObject(body) } }
  if (!Array.isArray(body)) throw new Error(`/ksql answered 200 with a non-array body: ${text.slice(0, 300)}`)
  return { ok: true, entities: body.map(asObject) }
}

/** Reads the /query body until the server ends it or `timeoutMs` passes. */
export async function postQuery(
  baseUrl: string,
  sql: string,
  streamsProperties: Readonly<Record<string, unknown>>,
  timeoutMs: number,
): Promise<QueryReply> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  const parser = new QueryBodyParser()
  try {
    const response = await post(baseUrl, '/query', { ksql: sql, streamsProperties }, abort.signal)
    if (response.status !== 200) {
      const text = await response.text()
      return { ok: false, error: { status: response.status, body: asObject(parseJson(text, '/query')) } }
    }
    const decoder = new TextDecoder()
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.feed(decoder.decode(value, { stream: true }))
    }
    const body = parser.finish()
    if (!body.complete)
      throw new Error(`/query body ended without its closing ]: ${JSON.stringify(body.rows)}`)
    return { ok: true, rows: body.rows }
  } catch (error) {
    if (abort.signal.aborted) return { ok: 'timeout', rows: parser.rows() }
    throw error
  } finally {
    clearTimeout(timer)
  }
}

function post(baseUrl: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': KSQL_TYPE, Accept: KSQL_TYPE },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  })
}

function parseJson(text: string, endpoint: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${endpoint} answered with a body that is not JSON: ${text.slice(0, 300)}`)
  }
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>
  return { value }
}
