import type { PrintStatement } from './parse-print.ts'
import { FormatsTracker, RecordFormatter, type PrintableRecord } from './record-formatter.ts'

/**
 * Where PRINT reads a topic: batch by batch, from its beginning or from its current end, until
 * `signal` aborts. The Kafka backend reads the broker; the in-memory one the engine's topics.
 * `onReady` is called once the start position is fixed: a record produced after it is printed.
 */
export type TopicTail = (
  topic: string,
  options: { readonly fromBeginning: boolean; readonly onReady: () => void },
  onBatch: (records: readonly PrintableRecord[]) => void,
  signal: AbortSignal,
) => Promise<void>

/**
 * Runs a PRINT as ksqlDB's TopicStreamWriter: format lines whenever the detected formats change,
 * then every INTERVAL-th record line, until LIMIT lines are out or `signal` aborts (client gone).
 * Resolves 'limit' or 'closed'.
 */
export async function runPrint(
  statement: PrintStatement,
  tail: TopicTail,
  writeLine: (line: string) => void,
  signal: AbortSignal,
  onReady: () => void = () => undefined,
): Promise<'limit' | 'closed'> {
  const formatter = new RecordFormatter()
  const tracker = new FormatsTracker()
  const stop = new AbortController()
  const onAbort = (): void => stop.abort()
  signal.addEventListener('abort', onAbort)
  let polled = 0
  let written = 0
  const limitReached = (): boolean => statement.limit !== null && written >= statement.limit
  try {
    if (signal.aborted) return 'closed'
    await tail(
      statement.topic,
      { fromBeginning: statement.fromBeginning, onReady },
      (records) => {
        if (stop.signal.aborted || records.length === 0) return
        const lines = formatter.format(records)
        const out: string[] = []
        for (const line of lines) {
          if (polled++ % statement.interval === 0) {
            written++
            out.push(line)
          }
          if (limitReached()) break
        }
        for (const line of tracker.update(formatter)) writeLine(line)
        for (const line of out) writeLine(line)
        if (limitReached()) stop.abort()
      },
      stop.signal,
    )
    return limitReached() ? 'limit' : 'closed'
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** The in-memory tail: the records the engine holds (FROM BEGINNING), then every new one. */
export function engineTopicTail(engine: {
  records(topic: string): readonly PrintableRecord[]
  onAppend(listener: (record: PrintableRecord & { readonly topic: string }) => void): () => void
}): TopicTail {
  return (topic, options, onBatch, signal) =>
    new Promise<void>((resolve) => {
      const unsubscribe = engine.onAppend((record) => {
        if (record.topic === topic && !signal.aborted) onBatch([record])
      })
      const finish = (): void => {
        unsubscribe()
        resolve()
      }
      signal.addEventListener('abort', finish, { once: true })
      options.onReady()
      if (options.fromBeginning) {
        const held = engine.records(topic)
        if (held.length > 0 && !signal.aborted) onBatch(held)
      }
      if (signal.aborted) finish()
    })
}
