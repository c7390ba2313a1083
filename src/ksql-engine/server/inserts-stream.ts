import type { IncomingMessage, ServerResponse } from 'node:http'
import { createInterface } from 'node:readline'
import { errorMessage } from '../../shared/errors.ts'
import { isEngineError } from '../engine-error.ts'
import { ERROR_RESPONSES } from '../engine-errors.ts'
import { badRequest } from './error-codes.ts'
import type { KsqlBackend } from './ksql-backend.ts'

/** A JSON scalar as a SQL literal; nested values are not supported by this endpoint. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new Error(`Unsupported value ${JSON.stringify(value)}: only strings, numbers, booleans and null.`)
}

function identifier(name: string): string {
  return /^[A-Za-z_]\w*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``
}

/** One row object → INSERT … VALUES, so rows go through the engine exactly as INSERT VALUES does. */
export function insertStatement(target: string, row: Readonly<Record<string, unknown>>): string {
  const columns = Object.keys(row)
  return `INSERT INTO ${identifier(target)} (${columns.map(identifier).join(', ')}) VALUES (${columns
    .map((c) => sqlLiteral(row[c]))
    .join(', ')});`
}

/** /inserts-stream: first line `{"target":"S"}`, then one JSON object per line; one ack per row. */
export async function handleInsertsStream(
  req: IncomingMessage,
  res: ServerResponse,
  backend: KsqlBackend,
): Promise<void> {
  const lines = createInterface({ input: req, crlfDelay: Infinity })
  let target: string | null = null
  let seq = 0
  for await (const raw of lines) {
    const line = raw.trim()
    if (line === '') continue
    if (target === null) {
      const head = JSON.parse(line) as { target?: unknown }
      if (typeof head.target !== 'string') throw badRequest('The first line must be {"target":"<stream>"}.')
      const source = backend.engine
        .sources()
        .find((s) => s.name === head.target || s.name === String(head.target).toUpperCase())
      if (source === undefined)
        throw badRequest(`Cannot insert values into an unknown stream: ${head.target}`)
      if (source.type !== 'STREAM') throw badRequest(`Cannot insert into a table: ${source.name}`)
      target = source.name
      res.writeHead(200, {
        'Content-Type': 'application/vnd.ksqlapi.delimited.v1',
        'Transfer-Encoding': 'chunked',
      })
      continue
    }
    const name = target
    try {
      const row = JSON.parse(line) as Record<string, unknown>
      const sql = `INSERT INTO \`${name.replace(/`/g, '``')}\` ${insertStatement(name, row).replace(/^INSERT INTO \S+ /, '')}`
      await backend.exclusive(async () => {
        const results = backend.engine.execute(sql)
        await backend.commit({ sql, properties: {}, variables: {} }, results)
      })
      res.write(`${JSON.stringify({ status: 'ok', seq })}\n`)
    } catch (error) {
      // ksqlDB answers every failed row of /inserts-stream with its bad-request code.
      const message = isEngineError(error) ? error.info.message : errorMessage(error)
      const errorCode = ERROR_RESPONSES['bad-request'].errorCode
      res.write(`${JSON.stringify({ status: 'error', seq, error_code: errorCode, message })}\n`)
    }
    seq++
  }
  if (target === null) throw badRequest('The first line must be {"target":"<stream>"}.')
  res.end()
}
