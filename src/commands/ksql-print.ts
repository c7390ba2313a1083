import { createContext, type GlobalOptions } from '../app/context.ts'
import { collectPrint, printStatement } from '../ksql-client/ksql-print.ts'
import { ksqlCredentials } from '../ksql-client/ksql-auth.ts'
import { onStopSignals } from '../app/stop-signals.ts'

/**
 * `dip ksql print TOPIC`: ksqlDB's PRINT through the server's /query. Lines stream as they come
 * (human mode); with --json one document at the end: the detected formats and the records.
 */
export async function runKsqlPrint(
  global: GlobalOptions,
  flags: {
    readonly topic: string
    readonly fromBeginning: boolean
    readonly interval: number
    readonly limit: number | null
  },
): Promise<void> {
  await runPrintStatement(global, printStatement(flags.topic, flags), flags.topic)
}

/** Runs one PRINT statement until LIMIT or Ctrl-C: lines as they come, or one --json document. */
async function runPrintStatement(global: GlobalOptions, statement: string, topic: string): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  try {
    const printed = await collectPrint(loaded.config.ksql.url, statement, {
      onLine: (line) => (reporter.json ? undefined : reporter.info(line)),
      signal: controller.signal,
      credentials: ksqlCredentials(loaded.config.ksql),
    })
    reporter.result({ topic, statement, ...printed })
  } finally {
    release()
  }
}
