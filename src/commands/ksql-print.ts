import { createContext, type GlobalOptions } from '../app/context.ts'
import {
  parsePrintedRecord,
  printStatement,
  printTopic,
  type PrintedRecord,
} from '../ksql-client/ksql-print.ts'
import { ksqlCredentials } from '../ksql-client/ksql-auth.ts'
import { onStopSignals } from './stop-signals.ts'

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

/** Runs one PRINT statement (also what `dip ksql query "PRINT …"` does) until LIMIT or Ctrl-C. */
export async function runPrintStatement(
  global: GlobalOptions,
  statement: string,
  topic: string | null,
): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  const formats: { key: string | null; value: string | null } = { key: null, value: null }
  const records: PrintedRecord[] = []
  try {
    await printTopic(
      loaded.config.ksql.url,
      statement,
      (line) => {
        if (line.startsWith('Key format: ')) formats.key = line.slice('Key format: '.length)
        else if (line.startsWith('Value format: ')) formats.value = line.slice('Value format: '.length)
        else {
          const record = parsePrintedRecord(line)
          if (record !== null) records.push(record)
        }
        if (!reporter.json) reporter.info(line)
      },
      controller.signal,
      undefined,
      ksqlCredentials(loaded.config.ksql),
    )
  } finally {
    release()
  }
  reporter.result({ topic, statement, keyFormat: formats.key, valueFormat: formats.value, records })
}
