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
  readonly onRow: (row: readonly unknown[]) => void
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
  const run = (): Promise<{ columns: readonly ColumnInfo[]; rows: readonly (readonly unknown[])[] }> =>
    options.exclusive(() => {
      const [result] = options.engine.execute(sql, {
        properties: { ...options.properties, 'auto.offset.reset': 'earliest' },
        variables: options.variables,
      })
      if (result?.kind !== 'queryRows') throw new Error('Not a query.')
      return result
    })
  const reset =
    options.properties['auto.offset.reset'] ??
    options.properties['ksql.streams.auto.offset.reset'] ??
    'latest'
  const first = await run()
  options.onHeader(first.columns)
  let seen = reset === 'earliest' ? 0 : first.rows.length
  let sent = 0
  let closed = false
  let timer: NodeJS.Timeout | undefined
  const emit = (rows: readonly (readonly unknown[])[]): void => {
    for (const row of rows.slice(seen)) {
      seen++
      if (closed) return
      // Tombstones (all value columns null on a table) carry nothing a push client can show.
      options.onRow(row)
      sent++
      if (sent >= maxRows) {
        closed = true
        options.onEnd('limit')
        return
      }
    }
    seen = Math.max(seen, rows.length)
  }
  const tick = (): void => {
    if (closed) return
    run()
      .then((result) => {
        emit(result.rows)
        if (!closed) timer = setTimeout(tick, options.pollMs ?? 500)
      })
      .catch((error: unknown) => {
        closed = true
        options.onError(error)
      })
  }
  emit(first.rows)
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
