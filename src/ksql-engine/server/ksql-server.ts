import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { splitStatements } from '../parser/split-statements.ts'
import type { ColumnInfo, SourceInfo, StatementResult } from '../engine-api.ts'
import { formatSqlType } from '../types/sql-type.ts'
import { entityFor, commandIdFor, headerSchema, type KsqlEntity } from './entities.ts'
import { badRequest, notFound, selectOnKsql, toHttpError } from './error-codes.ts'
import type { KsqlBackend } from './ksql-backend.ts'
import { startPushQuery, type PushQuery } from './push-query.ts'
import { handleInsertsStream } from './inserts-stream.ts'
import { assertBindAllowed, type BasicAuth } from './basic-auth.ts'
import { assertNever } from '../../shared/assert-never.ts'
import { isPrintStatement } from './print/parse-print.ts'
import { servePrint } from './print/serve-print.ts'
import { extendDescription, trackTopicStatistics } from './describe-extended.ts'

export const SERVER_VERSION = '0.29.0-dip'
const KSQL_TYPE = 'application/vnd.ksql.v1+json'
const KEEP_ALIVE_MS = 1000

export interface KsqlServerOptions {
  readonly backend: KsqlBackend
  readonly port?: number
  readonly host?: string
  readonly serviceId?: string
  /** HTTP Basic on every endpoint; null/absent: none, which only a loopback host allows. */
  readonly auth?: BasicAuth | null
}

export interface RunningKsqlServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

interface CommandRecord {
  readonly status: 'SUCCESS' | 'ERROR'
  readonly message: string
  readonly queryId: string | null
}

/** ksqlDB's REST surface (spec A1) over an engine backend, on node:http. */
export async function startKsqlServer(options: KsqlServerOptions): Promise<RunningKsqlServer> {
  const { backend } = options
  const engine = backend.engine
  const serviceId = options.serviceId ?? 'default_'
  const commands = new Map<string, CommandRecord>()
  const pushQueries = new Map<string, PushQuery>()
  const auth = options.auth ?? null
  assertBindAllowed(options.host ?? '127.0.0.1', auth)
  const topicStatistics = trackTopicStatistics(engine)
  // Known once listening: EXPLAIN reports the query's state for this host:port.
  const listening: { hostPort?: string } = {}

  const server: Server = createServer((req, res) => {
    if (auth !== null && !authenticated(auth, req, res)) return
    route(req, res).catch((error: unknown) => sendError(res, error))
  })

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (req.method === 'GET') {
      if (path === '/') {
        res.writeHead(307, { Location: '/info' }).end()
        return
      }
      if (path === '/info') {
        sendJson(res, 200, {
          KsqlServerInfo: {
            version: SERVER_VERSION,
            kafkaClusterId: backend.clusterId(),
            ksqlServiceId: serviceId,
            serverStatus: 'RUNNING',
          },
        })
        return
      }
      if (path === '/healthcheck') {
        const kafka = backend.kafkaHealthy()
        sendJson(res, kafka ? 200 : 503, {
          isHealthy: kafka,
          details: { metastore: { isHealthy: true }, kafka: { isHealthy: kafka } },
          serverState: kafka ? 'READY' : 'ERROR',
        })
        return
      }
      if (path === '/status') {
        sendJson(res, 200, {
          commandStatuses: Object.fromEntries([...commands].map(([k, v]) => [k, v.status])),
        })
        return
      }
      if (path.startsWith('/status/')) {
        const id = decodeURIComponent(path.slice('/status/'.length))
        const found = commands.get(id) ?? commands.get(id.replace(/\/([^/`]+)\//, '/`$1`/'))
        if (found === undefined) throw notFound(`Command not found: ${id}`)
        sendJson(res, 200, found)
        return
      }
      if (path === '/clusterStatus') {
        sendJson(res, 200, { clusterStatus: {} })
        return
      }
    }
    if (req.method === 'POST') {
      if (path === '/ksql') return handleKsql(req, res)
      if (path === '/query') return handleQuery(req, res)
      if (path === '/query-stream') return handleQueryStream(req, res)
      if (path === '/close-query') {
        const body = await readJson(req)
        const queryId = typeof body['queryId'] === 'string' ? body['queryId'] : ''
        const query = pushQueries.get(queryId)
        if (query === undefined) throw badRequest(`No query with id ${queryId}`)
        query.close()
        res.writeHead(200).end()
        return
      }
      if (path === '/inserts-stream') return handleInsertsStream(req, res, backend)
    }
    throw notFound(`Not found: ${req.method ?? ''} ${path}`)
  }

  async function handleKsql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = parseKsqlRequest(await readJson(req), 'ksql')
    const slices = splitStatements(request.sql)
    for (const slice of slices) if (isQueryStatement(slice.text)) throw selectOnKsql(slice.text)
    const { results, sequence } = await backend.exclusive(async () => {
      await backend.beforeExecute?.(request)
      const executed = engine.execute(request.sql, {
        properties: request.properties,
        variables: request.variables,
      })
      // Topics go before the commit: a later statement of the same request may create a sink of
      // the same name, which the commit must then create anew (not write into the doomed one).
      for (const [i, result] of executed.entries()) {
        const statementText = slices[i]?.text ?? ''
        if (result.kind === 'sourceDropped' && /\bDELETE\s+TOPIC\s*;?\s*$/i.test(statementText)) {
          const topic = /\(topic: ([^)]+)\)/.exec(result.message)?.[1]
          if (topic !== undefined) await backend.deleteTopic(topic)
        }
      }
      const changes = executed.some(isStateChange)
      return { results: executed, sequence: changes ? await backend.commit(request, executed) : -1 }
    })
    const entities: KsqlEntity[] = []
    const queries = engine.queries()
    for (const [i, result] of results.entries()) {
      const statementText = slices[i]?.text ?? ''
      let entity = entityFor(result, {
        statementText,
        commandSequenceNumber: sequence,
        queries,
        ...(listening.hostPort === undefined ? {} : { host: listening.hostPort }),
      })
      if (entity === null) continue
      if (result.kind === 'description' && result.extended) {
        const description = entity['sourceDescription'] as Record<string, unknown>
        entity = {
          ...entity,
          sourceDescription: await extendDescription(description, backend, topicStatistics?.stats ?? null),
        }
      }
      const commandId = commandIdFor(result, statementText)
      if (commandId !== null) {
        const status = entity['commandStatus'] as CommandRecord
        commands.set(commandId, status)
      }
      entities.push(entity)
    }
    sendJson(res, 200, entities, req)
  }

  /** Runs a SELECT once: pull queries complete; push queries (EMIT CHANGES) keep streaming. */
  async function runQuery(
    req: IncomingMessage,
    res: ServerResponse,
    sql: string,
    properties: Readonly<Record<string, string>>,
    variables: Readonly<Record<string, string>>,
    writer: QueryWriter,
  ): Promise<void> {
    const slices = splitStatements(sql)
    const text = slices[0]?.text ?? ''
    if (slices.length === 1 && isPrintStatement(text)) return servePrint(req, res, text, backend)
    if (slices.length !== 1 || !/^\s*SELECT\b/i.test(stripComments(text)))
      throw badRequest('Expected exactly one SELECT statement.')
    const from = /\bFROM\s+(`[^`]+`|[A-Za-z_]\w*)/i.exec(text)?.[1]
    const sourceName = from === undefined ? '' : from.startsWith('`') ? from.slice(1, -1) : from.toUpperCase()
    const source = sourceName === '' ? 'QUERY' : sourceName.toUpperCase()
    const queryId = writer.pushIds ? randomUUID() : `transient_${source}_${randomPositiveLong()}`
    if (!/\bEMIT\s+(CHANGES|FINAL)\b/i.test(text)) {
      // ksqlDB scans a stream's topic: older records than the engine keeps come from Kafka.
      const streamTopic = engine.sources().find((s) => s.name === sourceName && s.type === 'STREAM')?.topic
      const past = streamTopic === undefined ? undefined : await backend.readHistory?.(streamTopic)
      const history =
        streamTopic === undefined || past === undefined ? undefined : new Map([[streamTopic, past]])
      const [result] = await backend.exclusive(() =>
        engine.execute(text, { properties, variables, ...(history === undefined ? {} : { history }) }),
      )
      if (result?.kind !== 'queryRows') throw badRequest('Expected a SELECT statement.')
      writer.header(res, queryId, result.columns)
      for (const row of result.rows) writer.row(res, row)
      writer.end(res, pullFinalMessage(engine.sources(), sourceName, text, result.rows.length))
      return
    }
    let headerSent = false
    // The query may end (LIMIT reached, error) before startPushQuery returns.
    let ended = false
    const timer: { keepAlive?: NodeJS.Timeout } = {}
    const stop = (): void => {
      if (timer.keepAlive !== undefined) clearInterval(timer.keepAlive)
      pushQueries.delete(queryId)
    }
    const query = await startPushQuery({
      engine,
      sql: text,
      properties,
      variables,
      exclusive: (work) => backend.exclusive(work),
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
    pushQueries.set(queryId, query)
    timer.keepAlive = setInterval(() => {
      if (!res.writableEnded) writer.keepAlive(res)
    }, KEEP_ALIVE_MS)
    const onClose = (): void => query.close()
    req.on('close', onClose)
    res.on('close', onClose)
  }

  async function handleQuery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = parseKsqlRequest(await readJson(req), 'ksql')
    await runQuery(req, res, request.sql, request.properties, request.variables, legacyQueryWriter)
  }

  async function handleQueryStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = parseKsqlRequest(await readJson(req), 'sql')
    const json = (req.headers.accept ?? '').includes('application/json')
    await runQuery(
      req,
      res,
      request.sql,
      request.properties,
      request.variables,
      json ? jsonArrayWriter() : delimitedWriter,
    )
  }

  // Clients reuse connections; a long engine step can stall the loop past Node's 5 s default, and
  // closing an idle socket a client is writing to shows up there as ECONNRESET.
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 8088, options.host ?? '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  listening.hostPort = `${options.host ?? '127.0.0.1'}:${port}`
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        topicStatistics?.stop()
        for (const query of pushQueries.values()) query.close()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
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

function isStateChange(result: StatementResult): boolean {
  return (
    result.kind === 'sourceCreated' ||
    result.kind === 'sourceDropped' ||
    result.kind === 'queryTerminated' ||
    result.kind === 'inserted'
  )
}

function stripComments(text: string): string {
  return text.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '')
}

function isQueryStatement(text: string): boolean {
  return /^\s*(SELECT|PRINT)\b/i.test(stripComments(text))
}

function randomPositiveLong(): string {
  return String(Math.floor(Math.random() * Number.MAX_SAFE_INTEGER))
}

interface KsqlRequest {
  readonly sql: string
  readonly properties: Readonly<Record<string, string>>
  readonly variables: Readonly<Record<string, string>>
}

function parseKsqlRequest(body: Record<string, unknown>, field: 'ksql' | 'sql'): KsqlRequest {
  const sql = body[field] ?? ''
  if (typeof sql !== 'string') throw badRequest(`"${field}" must be a string.`)
  const properties = body[field === 'ksql' ? 'streamsProperties' : 'properties'] ?? {}
  const variables = body['sessionVariables'] ?? {}
  return { sql, properties: stringMap(properties), variables: stringMap(variables) }
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {}
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))
}

const MAX_BODY_BYTES = 10 * 1024 * 1024

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
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

function contentType(req?: IncomingMessage): string {
  const accept = req?.headers.accept ?? ''
  return accept.includes('application/json') && !accept.includes(KSQL_TYPE) ? 'application/json' : KSQL_TYPE
}

function sendJson(res: ServerResponse, status: number, body: unknown, req?: IncomingMessage): void {
  res.writeHead(status, { 'Content-Type': contentType(req) }).end(JSON.stringify(body))
}

/** Answers a refused request as ksqlDB does (its body, and the realm to a 401) and says so. */
function authenticated(auth: BasicAuth, req: IncomingMessage, res: ServerResponse): boolean {
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

function sendError(res: ServerResponse, error: unknown): void {
  const { status, body } = toHttpError(error)
  if (res.headersSent) {
    if (!res.writableEnded) res.end()
    return
  }
  sendJson(res, status, body)
}

interface QueryWriter {
  /** /query-stream ids are UUIDs; /query ids are transient_<SOURCE>_<n>. */
  readonly pushIds: boolean
  header(res: ServerResponse, queryId: string, columns: readonly ColumnInfo[]): void
  /** `tombstone`: a deleted table row; only /query shows those (with `"tombstone":true`). */
  row(res: ServerResponse, row: readonly unknown[], tombstone?: boolean): void
  keepAlive(res: ServerResponse): void
  end(res: ServerResponse, finalMessage: string | null): void
  error(res: ServerResponse, error: unknown): void
}

/** /query: a JSON array written element by element, `,\n` separated, bare `\n` as keep-alive. */
const legacyQueryWriter: QueryWriter = {
  pushIds: false,
  header(res, queryId, columns) {
    res.writeHead(200, { 'Content-Type': KSQL_TYPE, 'Transfer-Encoding': 'chunked' })
    res.write(
      `[{"header":{"queryId":${JSON.stringify(queryId)},"schema":${JSON.stringify(headerSchema(columns))}}},\n`,
    )
  },
  row(res, row, tombstone) {
    res.write(`{"row":{"columns":${JSON.stringify(row)}${tombstone === true ? ',"tombstone":true' : ''}}},\n`)
  },
  keepAlive(res) {
    res.write('\n')
  },
  end(res, finalMessage) {
    res.end(finalMessage === null ? ']\n' : `{"finalMessage":${JSON.stringify(finalMessage)}}]\n`)
  },
  error(res, error) {
    res.end(`{"errorMessage":${JSON.stringify(toHttpError(error).body)}}]\n`)
  },
}

function metadata(queryId: string, columns: readonly ColumnInfo[]): string {
  return JSON.stringify({
    queryId,
    columnNames: columns.map((c) => c.name),
    columnTypes: columns.map((c) => formatSqlType(c.type)),
  })
}

/** /query-stream, application/vnd.ksqlapi.delimited.v1: metadata line, then one JSON array per row. */
const delimitedWriter: QueryWriter = {
  pushIds: true,
  header(res, queryId, columns) {
    res.writeHead(200, {
      'Content-Type': 'application/vnd.ksqlapi.delimited.v1',
      'Transfer-Encoding': 'chunked',
    })
    res.write(`${metadata(queryId, columns)}\n`)
  },
  row(res, row, tombstone) {
    if (tombstone !== true) res.write(`${JSON.stringify(row)}\n`)
  },
  keepAlive() {
    // The delimited format has no keep-alive element; the chunked connection stays open.
  },
  end(res) {
    res.end()
  },
  error(res, error) {
    res.end(`${JSON.stringify(toHttpError(error).body)}\n`)
  },
}

/** /query-stream, Accept: application/json: one JSON array `[metadata, row, row, ...]`. */
function jsonArrayWriter(): QueryWriter {
  return {
    pushIds: true,
    header(res, queryId, columns) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
      res.write(`[${metadata(queryId, columns)}`)
    },
    row(res, row, tombstone) {
      if (tombstone !== true) res.write(`,${JSON.stringify(row)}`)
    },
    keepAlive() {
      // Whitespace is not allowed between array elements by every client; stay quiet.
    },
    end(res) {
      res.end(']')
    },
    error(res, error) {
      res.end(`,${JSON.stringify(toHttpError(error).body)}]`)
    },
  }
}
