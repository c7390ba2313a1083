import { createContext, type GlobalOptions } from '../app/context.ts'
import { createKsql } from '../app/create-deps.ts'
import { runQuery } from '../ksql-client/ksql-query.ts'
import { appliedVersionsFrom, VERSIONS_TABLE } from '../ksql-migrations/migration-metadata.ts'

/** `dip ksql status`: what the server runs, and which migrations it recorded. */
export async function runKsqlStatus(global: GlobalOptions): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const client = await createKsql(loaded.config)
  const entities = await client.execute('SHOW STREAMS; SHOW TABLES; SHOW QUERIES;')
  const list = <T>(type: string, field: string): T[] =>
    (entities.find((e) => e['@type'] === type)?.[field] as T[] | undefined) ?? []
  const sources = [
    ...list<{ type: string; name: string; topic: string; keyFormat?: string; valueFormat?: string }>(
      'streams',
      'streams',
    ),
    ...list<{ type: string; name: string; topic: string; keyFormat?: string; valueFormat?: string }>(
      'tables',
      'tables',
    ),
  ]
  const queries = list<{
    id: string
    state?: string
    sinks?: string[]
    queryErrors?: { errorMessage?: string }[]
  }>('queries', 'queries')
  let columns: readonly string[] = []
  const rows: unknown[][] = []
  const hasMigrations = sources.some((s) => s.name === VERSIONS_TABLE)
  if (hasMigrations)
    await runQuery(
      client.url,
      `SELECT * FROM ${VERSIONS_TABLE};`,
      {},
      {
        onHeader: (h) => (columns = h.columnNames),
        onRow: (row) => rows.push([...row]),
      },
      undefined,
      client.credentials,
    )
  const migrations = appliedVersionsFrom(columns, rows).sort((a, b) => a.version - b.version)
  reporter.info(
    `ksqlDB at ${client.url}: ${sources.length} source(s), ${queries.length} persistent query(ies)`,
  )
  reporter.table(
    sources.map((s) => [s.type, s.name, s.topic, `${s.keyFormat ?? ''}/${s.valueFormat ?? ''}`]),
    { header: ['type', 'name', 'topic', 'key/value format'] },
  )
  if (queries.length > 0) {
    reporter.info('')
    reporter.table(
      queries.map((q) => [q.id, q.state ?? '', (q.sinks ?? []).join(','), lastError(q.queryErrors)]),
      { header: ['query', 'state', 'sinks', 'error'] },
    )
  }
  if (migrations.length > 0) {
    reporter.info('')
    reporter.table(
      migrations.map((m) => [m.version, m.name, m.state, m.previous, m.errorReason]),
      { header: ['version', 'name', 'state', 'previous', 'error'] },
    )
  }
  reporter.result({ url: client.url, sources, queries, migrations })
}

/** A query in ERROR shows its newest error (ksqlDB keeps them newest last). */
function lastError(errors: readonly { errorMessage?: string }[] | undefined): string {
  return errors?.at(-1)?.errorMessage ?? ''
}
