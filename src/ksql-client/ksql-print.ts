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
