import { authHeaders, unauthorizedHint, type KsqlCredentials } from './ksql-auth.ts'
import { KsqlRequestError } from './ksql-error.ts'
import type { KsqlErrorBody } from './wire-types.ts'

export interface QueryHeader {
  readonly queryId: string
  /** "`ID` STRING KEY, `N` BIGINT" */
  readonly schema: string
  readonly columnNames: readonly string[]
}

export interface QueryHandlers {
  readonly onHeader?: (header: QueryHeader) => void
  readonly onRow: (columns: readonly unknown[], tombstone: boolean) => void
}

/** Column names from a /query header schema (back-quoted names; nested types contain no top-level commas). */
export function columnNamesOf(schema: string): string[] {
  return [...schema.matchAll(/(?:^|,\s*)`((?:[^`]|``)+)`/g)].map((m) => (m[1] ?? '').replace(/``/g, '`'))
}

/**
 * POST /query (the API ksqlDB's own CLI uses): a JSON array written element by element. Works for
 * pull queries (ends by itself) and push queries (ends on LIMIT or when `signal` aborts).
 * Returns the final message, if any ("Query Completed", "Limit Reached").
 */
export async function runQuery(
  url: string,
  sql: string,
  properties: Readonly<Record<string, string>>,
  handlers: QueryHandlers,
  signal?: AbortSignal,
  credentials?: KsqlCredentials,
): Promise<string | null> {
  const response = await postQuery(url, sql, properties, { signal, credentials, statementText: null })
  if (response === null) return null
  let finalMessage: string | null = null
  let buffered = ''
  const handleLine = (raw: string): void => {
    const line = raw.trim().replace(/^\[/, '').replace(/\]$/, '').replace(/,$/, '').trim()
    if (line === '') return
    const element = JSON.parse(line) as Record<string, unknown>
    if ('header' in element) {
      const header = element['header'] as { queryId: string; schema: string }
      handlers.onHeader?.({ ...header, columnNames: columnNamesOf(header.schema) })
    } else if ('row' in element) {
      const row = element['row'] as { columns: unknown[]; tombstone?: boolean }
      handlers.onRow(row.columns, row.tombstone === true)
    } else if ('finalMessage' in element) finalMessage = String(element['finalMessage'])
    else if ('errorMessage' in element) {
      const error = element['errorMessage'] as KsqlErrorBody
      throw new KsqlRequestError(`ksqlDB error ${error.error_code ?? 50000}: ${error.message ?? ''}`, {
        errorCode: error.error_code ?? 50000,
      })
    }
  }
  try {
    const decoder = new TextDecoder()
    for await (const chunk of response.body ?? []) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true })
      let newline = buffered.indexOf('\n')
      while (newline >= 0) {
        handleLine(buffered.slice(0, newline))
        buffered = buffered.slice(newline + 1)
        newline = buffered.indexOf('\n')
      }
    }
    handleLine(buffered)
  } catch (error) {
    if (signal?.aborted === true) return finalMessage
    throw error
  }
  return finalMessage
}

/** fetch() reports "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND...) is in its cause. */
export function fetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message
  return error instanceof Error ? error.message : String(error)
}

/**
 * POST /query, the request both queries and PRINT send: the response once the server accepted the
 * statement, null when `signal` aborted it first. A refusal is a KsqlRequestError with ksqlDB's code
 * (`statementText`: the server's, else this fallback).
 */
export async function postQuery(
  url: string,
  sql: string,
  properties: Readonly<Record<string, string>>,
  options: {
    readonly signal?: AbortSignal | undefined
    readonly credentials?: KsqlCredentials | undefined
    readonly statementText: string | null
  },
): Promise<Response | null> {
  const { signal, credentials } = options
  let response: Response
  try {
    response = await fetch(`${url.replace(/\/+$/, '')}/query`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/vnd.ksql.v1+json',
        Accept: 'application/vnd.ksql.v1+json',
        ...authHeaders(credentials),
      },
      body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
      ...(signal === undefined ? {} : { signal }),
    })
  } catch (error) {
    if (signal?.aborted === true) return null
    throw new KsqlRequestError(`ksqlDB server at ${url} is not reachable (${fetchFailure(error)}).`, {
      unreachable: true,
      hint: 'start it with `dip up`, or point ksql.url (env DIP_KSQL_URL) at a running server',
      cause: error,
    })
  }
  if (!response.ok) {
    const text = await response.text()
    let body: KsqlErrorBody | undefined
    try {
      body = JSON.parse(text) as KsqlErrorBody
    } catch {
      body = undefined
    }
    throw new KsqlRequestError(
      `ksqlDB error ${body?.error_code ?? response.status * 100}: ${body?.message ?? text}`,
      {
        errorCode: body?.error_code ?? response.status * 100,
        statementText: body?.statementText ?? options.statementText,
        ...(response.status === 401 ? { hint: unauthorizedHint(credentials) } : {}),
      },
    )
  }
  return response
}
