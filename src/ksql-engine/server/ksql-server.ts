import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { badRequest, notFound } from './error-codes.ts'
import type { KsqlBackend } from './ksql-backend.ts'
import { type PushQuery } from './push-query.ts'
import { handleInsertsStream } from './inserts-stream.ts'
import { assertBindAllowed, type BasicAuth } from './basic-auth.ts'
import { trackTopicStatistics } from './describe-extended.ts'
import { handleKsql } from './handle-ksql.ts'
import { authenticated, readJson, sendError, sendJson } from './http-io.ts'
import { handleQuery, handleQueryStream } from './run-query.ts'
import type { CommandRecord, ServerContext } from './server-context.ts'

export const SERVER_VERSION = '0.29.0-dip'

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

  const ctx: ServerContext = { backend, engine, serviceId, commands, pushQueries, topicStatistics, listening }
  const server: Server = createServer((req, res) => {
    if (auth !== null && !authenticated(auth, req, res)) return
    route(ctx, req, res).catch((error: unknown) => sendError(res, error))
  })

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

/** GET endpoints answer here; POST ones go to their handlers. */
async function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
          kafkaClusterId: ctx.backend.clusterId(),
          ksqlServiceId: ctx.serviceId,
          serverStatus: 'RUNNING',
        },
      })
      return
    }
    if (path === '/healthcheck') {
      const kafka = ctx.backend.kafkaHealthy()
      sendJson(res, kafka ? 200 : 503, {
        isHealthy: kafka,
        details: { metastore: { isHealthy: true }, kafka: { isHealthy: kafka } },
        serverState: kafka ? 'READY' : 'ERROR',
      })
      return
    }
    if (path === '/status') {
      sendJson(res, 200, {
        commandStatuses: Object.fromEntries([...ctx.commands].map(([k, v]) => [k, v.status])),
      })
      return
    }
    if (path.startsWith('/status/')) {
      const id = decodeURIComponent(path.slice('/status/'.length))
      const found = ctx.commands.get(id) ?? ctx.commands.get(id.replace(/\/([^/`]+)\//, '/`$1`/'))
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
    if (path === '/ksql') return handleKsql(ctx, req, res)
    if (path === '/query') return handleQuery(ctx, req, res)
    if (path === '/query-stream') return handleQueryStream(ctx, req, res)
    if (path === '/close-query') {
      const body = await readJson(req)
      const queryId = typeof body['queryId'] === 'string' ? body['queryId'] : ''
      const query = ctx.pushQueries.get(queryId)
      if (query === undefined) throw badRequest(`No query with id ${queryId}`)
      query.close()
      res.writeHead(200).end()
      return
    }
    if (path === '/inserts-stream') return handleInsertsStream(req, res, ctx.backend)
  }
  throw notFound(`Not found: ${req.method ?? ''} ${path}`)
}
