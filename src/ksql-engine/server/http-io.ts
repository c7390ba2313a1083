import { type IncomingMessage, type ServerResponse } from 'node:http'
import type { StatementResult } from '../engine-api.ts'
import { badRequest, toHttpError } from './error-codes.ts'
import { type BasicAuth } from './basic-auth.ts'
import { assertNever } from '../../shared/assert-never.ts'

export const KSQL_TYPE = 'application/vnd.ksql.v1+json'

export function isStateChange(result: StatementResult): boolean {
  return (
    result.kind === 'sourceCreated' ||
    result.kind === 'sourceDropped' ||
    result.kind === 'queryTerminated' ||
    result.kind === 'inserted'
  )
}

export function stripComments(text: string): string {
  return text.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '')
}

export function isQueryStatement(text: string): boolean {
  return /^\s*(SELECT|PRINT)\b/i.test(stripComments(text))
}

export function randomPositiveLong(): string {
  return String(Math.floor(Math.random() * Number.MAX_SAFE_INTEGER))
}

export interface KsqlRequest {
  readonly sql: string
  readonly properties: Readonly<Record<string, string>>
  readonly variables: Readonly<Record<string, string>>
}

export function parseKsqlRequest(body: Record<string, unknown>, field: 'ksql' | 'sql'): KsqlRequest {
  const sql = body[field] ?? ''
  if (typeof sql !== 'string') throw badRequest(`"${field}" must be a string.`)
  const properties = body[field === 'ksql' ? 'streamsProperties' : 'properties'] ?? {}
  const variables = body['sessionVariables'] ?? {}
  return { sql, properties: stringMap(properties), variables: stringMap(variables) }
}

export function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {}
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))
}

export const MAX_BODY_BYTES = 10 * 1024 * 1024

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw badRequest('Request body too large.')
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw badRequest('Invalid JSON in request body.')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw badRequest('The request body must be a JSON object.')
  return parsed as Record<string, unknown>
}

export function contentType(req?: IncomingMessage): string {
  const accept = req?.headers.accept ?? ''
  return accept.includes('application/json') && !accept.includes(KSQL_TYPE) ? 'application/json' : KSQL_TYPE
}

export function sendJson(res: ServerResponse, status: number, body: unknown, req?: IncomingMessage): void {
  res.writeHead(status, { 'Content-Type': contentType(req) }).end(JSON.stringify(body))
}

/** Answers a refused request as ksqlDB does (its body, and the realm to a 401) and says so. */
export function authenticated(auth: BasicAuth, req: IncomingMessage, res: ServerResponse): boolean {
  const decision = auth.check(req.headers.authorization)
  switch (decision.kind) {
    case 'accepted':
      return true
    case 'unauthorized':
      res.setHeader('WWW-Authenticate', `Basic realm="${auth.realm}"`)
      break
    case 'malformed':
      break
    default:
      return assertNever(decision, 'auth decision')
  }
  // The body is never read: drop it rather than leave it in the socket.
  req.resume()
  sendJson(res, decision.status, decision.body, req)
  return false
}

export function sendError(res: ServerResponse, error: unknown): void {
  const { status, body } = toHttpError(error)
  if (res.headersSent) {
    if (!res.writableEnded) res.end()
    return
  }
  sendJson(res, status, body)
}
