import type { ColumnInfo, PreparedRequest, PreparedStatement, ServingEngine } from '../engine-api.ts'

export interface PushQueryOptions {
  readonly engine: ServingEngine
  /** The SELECT … EMIT CHANGES, prepared (parsed) once by the caller. */
  readonly request: PreparedRequest
  /** Serialises engine access with the Kafka bridge. */
  readonly exclusive: <T>(work: () => T) => Promise<T>
  readonly onHeader: (columns: readonly ColumnInfo[]) => void
  /** `tombstone`: a table row was deleted (the key columns set, the rest null). */
  readonly onRow: (row: readonly unknown[], tombstone: boolean) => void
  /** 'limit' once LIMIT rows were sent. */
  readonly onEnd: (reason: 'limit' | 'closed') => void
}

export interface PushQuery {
  close(): void
}

/**
 * A push query: the engine runs the SELECT … EMIT CHANGES as a transient query subscribed to its
 * source topic. `earliest` first answers the rows of the records the engine still holds; every
 * record appended afterwards (read from Kafka or written by a persistent query) yields its rows
 * as it arrives, so the cost is per record and nothing is re-run.
 */
export async function startPushQuery(options: PushQueryOptions): Promise<PushQuery> {
  const limit = TRAILING_LIMIT.exec(options.request.statements[0]?.text ?? '')
  const maxRows = limit === null ? Number.POSITIVE_INFINITY : Number(limit[1])
  // LIMIT is counted here, over the held rows and the live ones together.
  const request = limit === null ? options.request : withoutLimit(options.request)
  let sent = 0
  let closed = false
  // Live rows that arrive before the first answer was sent wait their turn.
  let pending: { row: readonly unknown[]; tombstone: boolean }[] | null = []
  const subscription: { close?: (() => void) | undefined } = {}
  const finish = (reason: 'limit' | 'closed'): void => {
    if (closed) return
    closed = true
    subscription.close?.()
    options.onEnd(reason)
  }
  const send = (row: readonly unknown[], tombstone: boolean): void => {
    if (closed) return
    options.onRow(row, tombstone)
    sent++
    if (sent >= maxRows) finish('limit')
  }
  const first = await options.exclusive(() => {
    const [result] = options.engine.executePrepared(request, {
      live: {
        onRow: (row, tombstone) => {
          if (pending !== null) pending.push({ row, tombstone })
          else send(row, tombstone)
        },
      },
    })
    if (result?.kind !== 'queryRows') throw new Error('Not a query.')
    return result
  })
  subscription.close = first.close
  options.onHeader(first.columns)
  // LIMIT 0 ends at once, with the header only.
  if (maxRows === 0) finish('limit')
  const tombstones = new Set(first.tombstones ?? [])
  first.rows.forEach((row, i) => send(row, tombstones.has(i)))
  const waiting = pending
  pending = null
  for (const { row, tombstone } of waiting) send(row, tombstone)
  return { close: () => finish('closed') }
}

const TRAILING_LIMIT = /\bLIMIT\s+(\d+)\s*(;?)\s*$/i

/** The request with its statement's trailing LIMIT taken off, as if it had been written without. */
function withoutLimit(request: PreparedRequest): PreparedRequest {
  return { ...request, statements: request.statements.map(statementWithoutLimit) }
}

function statementWithoutLimit(statement: PreparedStatement): PreparedStatement {
  const strip = (text: string): string => text.replace(TRAILING_LIMIT, '$2')
  const text = strip(statement.text)
  if (statement.kind === 'unparsable')
    return { ...statement, text, error: { ...statement.error, statementText: text } }
  const { parsed } = statement
  const ast =
    parsed.statement.kind === 'select'
      ? { ...parsed.statement, query: { ...parsed.statement.query, limit: null } }
      : parsed.statement
  return { ...statement, text, parsed: { statement: ast, text: strip(parsed.text) } }
}
