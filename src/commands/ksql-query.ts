import { createContext, type GlobalOptions } from '../app/context.ts'
import { ksqlCredentials } from '../ksql-client/ksql-auth.ts'
import { collectPrint } from '../ksql-client/ksql-print.ts'
import { runQuery } from '../ksql-client/ksql-query.ts'
import { onStopSignals } from '../app/stop-signals.ts'

/** `dip ksql query`: pull queries print a table; push queries stream until LIMIT or Ctrl-C. */
export async function runKsqlQuery(
  global: GlobalOptions,
  flags: { readonly sql: string; readonly earliest: boolean },
): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const sql = flags.sql.trim().endsWith(';') ? flags.sql.trim() : `${flags.sql.trim()};`
  // PRINT answers text lines, not rows: the print command's reader shows them.
  if (/^\s*PRINT\b/i.test(sql)) {
    const controller = new AbortController()
    const release = onStopSignals(() => controller.abort())
    try {
      const printed = await collectPrint(loaded.config.ksql.url, sql, {
        onLine: (line) => (reporter.json ? undefined : reporter.info(line)),
        signal: controller.signal,
        credentials: ksqlCredentials(loaded.config.ksql),
      })
      reporter.result({ topic: null, statement: sql, ...printed })
    } finally {
      release()
    }
    return
  }
  const push = /\bEMIT\s+(CHANGES|FINAL)\b/i.test(sql)
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  let columns: readonly string[] = []
  const rows: unknown[][] = []
  try {
    await runQuery(
      loaded.config.ksql.url,
      sql,
      flags.earliest ? { 'auto.offset.reset': 'earliest' } : {},
      {
        onHeader: (header) => {
          columns = header.columnNames
          if (push && !reporter.json) reporter.info(columns.join(' | '))
        },
        onRow: (row, tombstone) => {
          if (push && !reporter.json)
            reporter.info(
              `${row.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' | ')}${tombstone ? ' (deleted)' : ''}`,
            )
          rows.push([...row])
        },
      },
      controller.signal,
      ksqlCredentials(loaded.config.ksql),
    )
  } finally {
    release()
  }
  if (!push) {
    reporter.table(
      rows.map((r) => r.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v))),
      { header: columns },
    )
    reporter.info(`${rows.length} row(s)`)
  }
  reporter.result({ columns, rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))) })
}
