import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import { authHeaders } from '../ksql-client/ksql-auth.ts'
import { runQuery } from '../ksql-client/ksql-query.ts'
import type { MigrationsServer } from './apply-migrations.ts'

/** The migrations' server port over ksqlDB's REST API (real ksqlDB or dip's embedded server). */
export function restMigrationsServer(client: KsqlClient): MigrationsServer {
  return {
    async serviceId() {
      const response = await fetch(`${client.url}/info`, { headers: authHeaders(client.credentials) })
      const info = (await response.json()) as { KsqlServerInfo?: { ksqlServiceId?: string } }
      return info.KsqlServerInfo?.ksqlServiceId ?? 'default_'
    },
    execute: (sql, properties) => client.execute(sql, { streamsProperties: properties }),
    async pull(sql) {
      let columns: readonly string[] = []
      const rows: (readonly unknown[])[] = []
      await runQuery(
        client.url,
        sql,
        {},
        {
          onHeader: (header) => (columns = header.columnNames),
          onRow: (row, tombstone) => {
            if (!tombstone) rows.push(row)
          },
        },
        undefined,
        client.credentials,
      )
      return { columns, rows }
    },
  }
}
