import type { KsqlCredentials } from './ksql-auth.ts'
import { postQuery } from './ksql-query.ts'

export interface PrintOptions {
  readonly fromBeginning: boolean
  readonly interval: number
  readonly limit: number | null
}

/** The PRINT statement for a topic name, quoted so any topic name (dashes, case) reads as is. */
export function printStatement(topic: string, options: PrintOptions): string {
  return [
    `PRINT '${topic.replaceAll("'", "''")}'`,
    options.fromBeginning ? 'FROM BEGINNING' : '',
    options.interval > 1 ? `INTERVAL ${options.interval}` : '',
    options.limit === null ? '' : `LIMIT ${options.limit}`,
  ]
    .filter((part) => part !== '')
    .join(' ')
    .concat(';')
}

/**
 * POST /query with a PRINT: the server answers text lines ("Key format: …", "rowtime: …"), an empty
 * line while idle. Calls `onLine` for every non-empty line until the server ends (LIMIT) or
 * `signal` aborts.
 */
export async function printTopic(
  url: string,
  statement: string,
  onLine: (line: string) => void,
  signal?: AbortSignal,
  /** Called when the server has positioned its reader: records produced from now on are printed. */
  onStart?: () => void,
  credentials?: KsqlCredentials,
): Promise<void> {
  const response = await postQuery(url, statement, {}, { signal, credentials, statementText: statement })
  if (response === null) return
  onStart?.()
  let buffered = ''
  const decoder = new TextDecoder()
  try {
    for await (const chunk of response.body ?? []) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true })
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) if (line !== '') onLine(line)
    }
    if (buffered !== '') onLine(buffered)
  } catch (error) {
    if (signal?.aborted === true) return
    throw error
  }
}

export interface PrintedRecord {
  readonly rowtime: string
  readonly key: string
  readonly value: string
  readonly partition: number
}

/** Splits a record line of ksqlDB's PRINT ("rowtime: …, key: …, value: …, partition: n"). */
export function parsePrintedRecord(line: string): PrintedRecord | null {
  const m = /^rowtime: (.*?), key: (.*?), value: (.*), partition: (\d+)$/s.exec(line)
  if (m === null) return null
  return { rowtime: m[1] ?? '', key: m[2] ?? '', value: m[3] ?? '', partition: Number(m[4]) }
}

/** What a PRINT showed: the formats the server detected and the records. */
export interface PrintResult {
  readonly keyFormat: string | null
  readonly valueFormat: string | null
  readonly records: readonly PrintedRecord[]
}

/**
 * Runs one PRINT statement until LIMIT or `signal` (`dip ksql print`, and `dip ksql query "PRINT …"`):
 * each line goes to `onLine` as it comes; the result collects the formats and the records.
 */
export async function collectPrint(
  url: string,
  statement: string,
  options: {
    readonly onLine: (line: string) => void
    readonly signal: AbortSignal
    readonly credentials?: KsqlCredentials | undefined
  },
): Promise<PrintResult> {
  let keyFormat: string | null = null
  let valueFormat: string | null = null
  const records: PrintedRecord[] = []
  await printTopic(
    url,
    statement,
    (line) => {
      if (line.startsWith('Key format: ')) keyFormat = line.slice('Key format: '.length)
      else if (line.startsWith('Value format: ')) valueFormat = line.slice('Value format: '.length)
      else {
        const record = parsePrintedRecord(line)
        if (record !== null) records.push(record)
      }
      options.onLine(line)
    },
    options.signal,
    undefined,
    options.credentials,
  )
  return { keyFormat, valueFormat, records }
}
