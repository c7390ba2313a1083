import { authHeaders, unauthorizedHint, type KsqlCredentials } from './ksql-auth.ts'
import { KsqlRequestError } from './ksql-error.ts'
import { fetchFailure } from './ksql-query.ts'
import { toSourceSchema, type SourceSchema } from './source-schema.ts'
import type { KsqlEntity, KsqlErrorBody, KsqlSourceDescription, KsqlSourceSummary } from './wire-types.ts'

export interface KsqlClientOptions {
  /** e.g. http://localhost:8088 */
  readonly url: string
  readonly timeoutMs?: number
  /** Sent as HTTP Basic authentication on every request. */
  readonly credentials?: KsqlCredentials | undefined
}

export interface KsqlClient {
  readonly url: string
  /** What the client authenticates with, for the other requests made to the same server (/query, /info). */
  readonly credentials?: KsqlCredentials | undefined
  /** POST /ksql: runs non-query statements, returns one entity per statement. */
  execute(
    sql: string,
    options?: { readonly streamsProperties?: Readonly<Record<string, unknown>> },
  ): Promise<KsqlEntity[]>
  /** `SHOW STREAMS; SHOW TABLES;` */
  listSources(): Promise<KsqlSourceSummary[]>
  describe(name: string): Promise<SourceSchema>
}

const KSQL_CONTENT_TYPE = 'application/vnd.ksql.v1+json'

/** A small ksqlDB REST client; works against real ksqlDB and dip's embedded server alike. */
export function createKsqlClient(options: KsqlClientOptions): KsqlClient {
  const url = options.url.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 30_000
  const headers = {
    'Content-Type': KSQL_CONTENT_TYPE,
    Accept: KSQL_CONTENT_TYPE,
    ...authHeaders(options.credentials),
  }

  async function execute(
    sql: string,
    executeOptions: { readonly streamsProperties?: Readonly<Record<string, unknown>> } = {},
  ): Promise<KsqlEntity[]> {
    let status: number
    let text: string
    try {
      const response = await fetch(`${url}/ksql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ksql: sql, streamsProperties: executeOptions.streamsProperties ?? {} }),
        signal: AbortSignal.timeout(timeoutMs),
      })
      status = response.status
      text = await response.text()
    } catch (error) {
      throw unreachableError(url, error, timeoutMs)
    }
    // Success is decided by the HTTP status (spec A1 "Client rule"); error bodies are parsed below.
    const body = parseBody(text)
    if (status >= 200 && status < 300) {
      if (!Array.isArray(body))
        throw new KsqlRequestError(`ksqlDB at ${url} answered /ksql with an unexpected body (not an array).`)
      return body as KsqlEntity[]
    }
    throw answeredError(url, status, body as KsqlErrorBody | string | undefined, options.credentials)
  }

  return {
    url,
    credentials: options.credentials,
    execute,
    async listSources() {
      const entities = await execute('SHOW STREAMS; SHOW TABLES;')
      const sources: KsqlSourceSummary[] = []
      for (const entity of entities) {
        if (entity['@type'] === 'streams') sources.push(...(entity['streams'] as KsqlSourceSummary[]))
        if (entity['@type'] === 'tables') sources.push(...(entity['tables'] as KsqlSourceSummary[]))
      }
      return sources
    },
    async describe(name) {
      const entities = await execute(`DESCRIBE ${quoteIdentifier(name)};`)
      const entity = entities.find((e) => e['@type'] === 'sourceDescription')
      if (entity === undefined)
        throw new KsqlRequestError(`ksqlDB at ${url} returned no description for ${name}.`)
      return toSourceSchema(entity['sourceDescription'] as KsqlSourceDescription)
    },
  }
}

/** Source names from SHOW STREAMS are stored names; back-quote them so lower-case names survive. */
function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``
}

/** A JSON body as its value; anything else (an HTML error page, an empty body) as its text. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text === '' ? undefined : text
  }
}

function unreachableError(url: string, error: unknown, timeoutMs: number): KsqlRequestError {
  const reason =
    error instanceof Error && error.name === 'TimeoutError'
      ? `no answer within ${timeoutMs} ms`
      : fetchFailure(error)
  return new KsqlRequestError(`ksqlDB server at ${url} is not reachable (${reason}).`, {
    unreachable: true,
    hint: 'start it with `dip up`, or point ksql.url (env DIP_KSQL_URL) at a running server',
    cause: error,
  })
}

function answeredError(
  url: string,
  status: number,
  body: KsqlErrorBody | string | undefined,
  credentials: KsqlCredentials | undefined,
): KsqlRequestError {
  const hint = status === 401 ? { hint: unauthorizedHint(credentials) } : {}
  if (typeof body === 'object' && body !== null && typeof body.message === 'string') {
    return new KsqlRequestError(`ksqlDB error ${body.error_code ?? status}: ${body.message}`, {
      errorCode: body.error_code ?? status * 100,
      statementText: body.statementText ?? null,
      ...hint,
    })
  }
  const text = typeof body === 'string' ? body.slice(0, 200) : ''
  return new KsqlRequestError(`ksqlDB at ${url} answered HTTP ${status}${text === '' ? '' : `: ${text}`}`, {
    errorCode: status * 100,
    ...hint,
  })
}
