import { createContext, type GlobalOptions } from '../app/context.ts'
import { authHeaders, ksqlCredentials, unauthorizedHint } from '../ksql-client/ksql-auth.ts'
import { KsqlRequestError } from '../ksql-client/ksql-error.ts'
import { fetchFailure } from '../ksql-client/ksql-query.ts'

/** `dip ksql info`: /info and /healthcheck of the configured server. */
export async function runKsqlInfo(global: GlobalOptions): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const url = loaded.config.ksql.url.replace(/\/+$/, '')
  let info: { KsqlServerInfo?: Record<string, unknown> }
  let health: { isHealthy?: boolean; serverState?: string } = {}
  const credentials = ksqlCredentials(loaded.config.ksql)
  const get = async (path: string): Promise<Response> => {
    const response = await fetch(`${url}${path}`, { headers: authHeaders(credentials) })
    if (response.status === 401)
      throw new KsqlRequestError(`ksqlDB error 40100: Unauthorized (GET ${path} at ${url})`, {
        errorCode: 40100,
        hint: unauthorizedHint(credentials),
      })
    return response
  }
  try {
    info = (await (await get('/info')).json()) as typeof info
    health = (await (await get('/healthcheck')).json()) as typeof health
  } catch (error) {
    if (error instanceof KsqlRequestError) throw error
    throw new KsqlRequestError(`ksqlDB server at ${url} is not reachable (${fetchFailure(error)}).`, {
      unreachable: true,
      hint: 'start it with `dip up`, or point ksql.url (env DIP_KSQL_URL) at a running server',
      cause: error,
    })
  }
  const server = info.KsqlServerInfo ?? {}
  reporter.table([
    ['url', url],
    ['version', server['version'] ?? ''],
    ['service id', server['ksqlServiceId'] ?? ''],
    ['Kafka cluster', server['kafkaClusterId'] ?? ''],
    ['status', server['serverStatus'] ?? ''],
    ['healthy', String(health.isHealthy ?? false)],
  ])
  reporter.result({
    url,
    ...server,
    healthy: health.isHealthy ?? false,
    serverState: health.serverState ?? null,
  })
}
