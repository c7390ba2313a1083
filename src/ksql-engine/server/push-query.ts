import type { ColumnInfo, Engine } from '../engine-api.ts'

export interface PushQueryOptions {
  readonly engine: Engine
  readonly sql: string
  readonly properties: Readonly<Record<string, string>>
  readonly variables: Readonly<Record<string, string>>
  /** Serialises engine access with the Kafka bridge. */
  readonly exclusive: <T>(work: () => T) => Promise<T>
  readonly pollMs?: number
  readonly onHeader: (columns: readonly ColumnInfo[]) => void
  /** `tombstone`: a table row was deleted (the key columns set, the rest null). */
  readonly onRow: (row: readonly unknown[], tombstone: boolean) => void
  /** 'limit' once LIMIT rows were sent. */
  readonly onEnd: (reason: 'limit' | 'closed') => void
  readonly onError: (error: unknown) => void
}

export interface PushQuery {
  close(): void
}

/**
 * A push query over the engine's retained records. The engine answers a SELECT … EMIT CHANGES with
 * the rows of everything it has seen; re-running it and sending only rows past those already sent
 * yields the continuous result. `latest` skips the rows that existed when the query started.
 * Cost grows with the topic size (a documented limit of the embedded server).
 */
export async function startPushQuery(options: PushQueryOptions): Promise<PushQuery> {
  const limit = /\bLIMIT\s+(\d+)\s*;?\s*$/i.exec(options.sql)
  const maxRows = limit === null ? Number.POSITIVE_INFINITY : Number(limit[1])
  // Always ask for the full history so "rows already there" can be skipped for `latest`.
  const sql = options.sql.replace(/\bLIMIT\s+\d+\s*(;?)\s*$/i, '$1')
  type Rows = {
    columns: readonly ColumnInfo[]
    rows: readonly (readonly unknown[])[]
    tombstones?: readonly number[]
  }
  const execute = (properties: Readonly<Record<string, string>>): Rows => {
    const [result] = options.engine.execute(sql, { properties, variables: options.variables })
    if (result?.kind !== 'queryRows') throw new Error('Not a query.')
    return result
  }
  const history = { ...options.properties, 'auto.offset.reset': 'earliest' }
  const run = (): Promise<Rows> => options.exclusive(() => execute(history))
  // The engine applies auto.offset.reset from the request or, failing that, the server config:
  // what it answers as asked tells how many of the existing rows this query must skip ('latest').
  const { first, skipped } = await options.exclusive(() => {
    const all = execute(history)
    const asked = execute(options.properties)
    return { first: all, skipped: Math.max(0, all.rows.length - asked.rows.length) }
  })
  options.onHeader(first.columns)
  let seen = skipped
  let sent = 0
  let closed = false
  let timer: NodeJS.Timeout | undefined
  const end = (): void => {
    closed = true
    options.onEnd('limit')
  }
  const emit = (result: Rows): void => {
    const tombstones = new Set(result.tombstones ?? [])
    for (let i = seen; i < result.rows.length && !closed; i++) {
      seen = i + 1
      options.onRow(result.rows[i]!, tombstones.has(i))
      sent++
      if (sent >= maxRows) end()
    }
  }
  const tick = (): void => {
    if (closed) return
    run()
      .then((result) => {
        emit(result)
        if (!closed) timer = setTimeout(tick, options.pollMs ?? 500)
      })
      .catch((error: unknown) => {
        closed = true
        options.onError(error)
      })
  }
  // LIMIT 0 ends at once, with the header only.
  if (maxRows === 0) end()
  emit(first)
  if (!closed) timer = setTimeout(tick, options.pollMs ?? 500)
  return {
    close() {
      if (closed) return
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      options.onEnd('closed')
    },
  }
}
