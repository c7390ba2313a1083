import { randomUUID } from 'node:crypto'
import { type IncomingMessage, type ServerResponse } from 'node:http'
import type { SourceInfo } from '../engine-api.ts'
import { badRequest } from './error-codes.ts'
import { startPushQuery } from './push-query.ts'
import { isPrintStatement } from './print/parse-print.ts'
import { servePrint } from './print/serve-print.ts'
import { parseKsqlRequest, randomPositiveLong, readJson, stripComments } from './http-io.ts'
import { delimitedWriter, jsonArrayWriter, legacyQueryWriter, type QueryWriter } from './query-writers.ts'
import type { ServerContext } from './server-context.ts'

const KEEP_ALIVE_MS = 1000

/** Runs a SELECT once: pull queries complete; push queries (EMIT CHANGES) keep streaming. */
export async function runQuery(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  sql: string,
  properties: Readonly<Record<string, string>>,
  variables: Readonly<Record<string, string>>,
  writer: QueryWriter,
): Promise<void> {
  // Split and parsed once: the checks below and the engine's runs share it.
  const prepared = ctx.engine.prepare(sql, { properties, variables })
  const { statements } = prepared
  const text = statements[0]?.text ?? ''
  if (statements.length === 1 && isPrintStatement(text)) return servePrint(req, res, text, ctx.backend)
  if (statements.length !== 1 || !/^\s*SELECT\b/i.test(stripComments(text)))
    throw badRequest('Expected exactly one SELECT statement.')
  const from = /\bFROM\s+(`[^`]+`|[A-Za-z_]\w*)/i.exec(text)?.[1]
  const sourceName = from === undefined ? '' : from.startsWith('`') ? from.slice(1, -1) : from.toUpperCase()
  const source = sourceName === '' ? 'QUERY' : sourceName.toUpperCase()
  const queryId = writer.pushIds ? randomUUID() : `transient_${source}_${randomPositiveLong()}`
  if (!/\bEMIT\s+(CHANGES|FINAL)\b/i.test(text)) {
    // ksqlDB scans a stream's topic: older records than the engine keeps come from Kafka.
    const streamTopic = ctx.engine.sources().find((s) => s.name === sourceName && s.type === 'STREAM')?.topic
    const past = streamTopic === undefined ? undefined : await ctx.backend.readHistory?.(streamTopic)
    const history =
      streamTopic === undefined || past === undefined ? undefined : new Map([[streamTopic, past]])
    const [result] = await ctx.backend.exclusive(() =>
      ctx.engine.executePrepared(prepared, history === undefined ? {} : { history }),
    )
    if (result?.kind !== 'queryRows') throw badRequest('Expected a SELECT statement.')
    writer.header(res, queryId, result.columns)
    for (const row of result.rows) writer.row(res, row)
    writer.end(res, pullFinalMessage(ctx.engine.sources(), sourceName, text, result.rows.length))
    return
  }
  let headerSent = false
  // The query may end (LIMIT reached, error) before startPushQuery returns.
  let ended = false
  const timer: { keepAlive?: NodeJS.Timeout } = {}
  const stop = (): void => {
    if (timer.keepAlive !== undefined) clearInterval(timer.keepAlive)
    ctx.pushQueries.delete(queryId)
  }
  const query = await startPushQuery({
    engine: ctx.engine,
    request: prepared,
    exclusive: (work) => ctx.backend.exclusive(work),
    onHeader: (columns) => {
      writer.header(res, queryId, columns)
      headerSent = true
    },
    onRow: (row, tombstone) => {
      if (row.length > 0) writer.row(res, row, tombstone)
    },
    onEnd: (reason) => {
      ended = true
      stop()
      if (!res.writableEnded) writer.end(res, reason === 'limit' ? 'Limit Reached' : null)
    },
  })
  if (!headerSent || ended) return
  ctx.pushQueries.set(queryId, query)
  timer.keepAlive = setInterval(() => {
    if (!res.writableEnded) writer.keepAlive(res)
  }, KEEP_ALIVE_MS)
  const onClose = (): void => query.close()
  req.on('close', onClose)
  res.on('close', onClose)
}

export async function handleQuery(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const request = parseKsqlRequest(await readJson(req), 'ksql')
  await runQuery(ctx, req, res, request.sql, request.properties, request.variables, legacyQueryWriter)
}

export async function handleQueryStream(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const request = parseKsqlRequest(await readJson(req), 'sql')
  const json = (req.headers.accept ?? '').includes('application/json')
  await runQuery(
    ctx,
    req,
    res,
    request.sql,
    request.properties,
    request.variables,
    json ? jsonArrayWriter() : delimitedWriter,
  )
}

/**
 * How ksqlDB ends a pull query on /query: a table lookup just closes the array; a stream scan ends
 * like the transient query it is, with "Limit Reached" when its LIMIT cut it short.
 */
function pullFinalMessage(
  sources: readonly SourceInfo[],
  sourceName: string,
  statement: string,
  rowCount: number,
): string | null {
  if (sources.find((s) => s.name === sourceName)?.type !== 'STREAM') return null
  const limit = /\bLIMIT\s+(\d+)\s*;?\s*$/i.exec(statement)
  return limit !== null && rowCount >= Number(limit[1]) ? 'Limit Reached' : 'Query Completed'
}
