import type {
  ConsumedRecord,
  RecordBatch,
  RecordSource,
  TopicAdmin,
  TopicPartitionOffset,
} from '../kafka/ports.ts'
import { isDipError } from '../shared/errors.ts'
import type { BoundTable } from './bind-table.ts'
import { loadPositions } from './bookkeeping.ts'
import { planBatch, type TablePlan } from './plan-batch.ts'
import type { ReconnectingSession } from './reconnecting-session.ts'
import { isTableError, writeFailure, type TableFailure } from './table-failure.ts'
import type { WarehouseRecord } from './warehouse-record.ts'
import { writeBatch, type TableCounts } from './write-batch.ts'
import { sleep } from '../shared/sleep.ts'

/** One topic and the MySQL table it feeds. */
export interface SinkTable {
  readonly table: BoundTable
  readonly decode: (record: ConsumedRecord) => WarehouseRecord
}

export interface RunWarehouseOptions {
  /** Names this sink's rows in dip_offsets / dip_rejects (several sinks can share a database). */
  readonly consumer: string
  /** batch: up to the end offsets captured at start, then stop; stream: until the signal aborts. */
  readonly mode: 'batch' | 'stream'
  readonly tables: readonly SinkTable[]
  readonly maxRowsPerStatement?: number
  /** Records per write transaction; a bigger fetch is split. Default RECORDS_PER_WRITE. */
  readonly recordsPerWrite?: number
  /** Give up when the broker stays unusable this long. Default 5 minutes. */
  readonly kafkaRetryForMs?: number
}

export interface RunWarehouseDeps {
  readonly admin: TopicAdmin
  readonly source: RecordSource
  /**
   * Commits the group offsets (lag monitoring) when `source` is not a member of that group: then
   * only once, at the end of the run. Default: `source` commits as a member, at most once a second.
   */
  readonly groupCommitter?: Pick<RecordSource, 'commit'>
  readonly session: ReconnectingSession
  /** Stops a streaming run (SIGINT/SIGTERM); the batch in progress is written first. */
  readonly signal: AbortSignal
  readonly onBatch?: (progress: {
    readonly records: number
    readonly tables: ReadonlyMap<string, TableCounts>
    /** The partition position this write stored in dip_offsets (for lag). */
    readonly position: TopicPartitionOffset
  }) => void
  readonly onWarning?: (message: string) => void
}

export interface WarehouseSummary {
  readonly tables: ReadonlyMap<string, TableCounts>
  readonly records: number
  readonly batches: number
  /** Batch mode: there was nothing new to read. */
  readonly upToDate: boolean
  readonly positions: readonly TopicPartitionOffset[]
  /** Tables whose write MySQL refused: not written further this run, positions kept for a retry. */
  readonly failed: readonly TableFailure[]
}

/** Writes waiting behind the one in progress before eachBatch waits (bounds memory). */
const MAX_QUEUED = 2

/**
 * Records per write transaction. Big enough that the per-transaction cost (position check, the
 * dip_offsets row, COMMIT) is small next to the rows, small enough that decoding one part takes
 * a few milliseconds, so MySQL is kept busy while this process converts the next one.
 */
export const RECORDS_PER_WRITE = 2000

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`

/**
 * The warehouse sink loop. Positions come from dip_offsets (not the consumer group), every batch
 * is written with its positions in one transaction, and records below the stored position are
 * skipped, so a crash at any point followed by a restart leaves MySQL as an uninterrupted run would.
 * Group offsets are committed after MySQL, for lag monitoring only.
 */
export async function runWarehouseSink(
  options: RunWarehouseOptions,
  deps: RunWarehouseDeps,
): Promise<WarehouseSummary> {
  const byTopic = new Map(options.tables.map((sink) => [sink.table.topic, sink]))
  const topics = [...byTopic.keys()]
  const stored = await deps.session.run((connection) => loadPositions(connection, options.consumer, topics))
  const positions = new Map<string, bigint>()
  // What dip_offsets holds (partitions never written have no row): checked by every write.
  const inDatabase = new Map<string, bigint>()
  for (const position of stored) {
    positions.set(partitionKey(position.topic, position.partition), position.offset)
    inDatabase.set(partitionKey(position.topic, position.partition), position.offset)
  }

  // Every partition starts at its stored position, or at the beginning when it has none.
  const startAt: TopicPartitionOffset[] = []
  const targets = new Map<string, bigint>()
  for (const topic of topics) {
    for (const { partition, low, high } of await deps.admin.topicOffsets(topic)) {
      const key = partitionKey(topic, partition)
      let start = positions.get(key) ?? low
      if (start < low) {
        deps.onWarning?.(
          `${topic}[${partition}]: records ${start}..${low - 1n} were deleted by retention; resuming at ${low}.`,
        )
        start = low
      }
      if (start > high) {
        deps.onWarning?.(
          `${topic}[${partition}]: dip_offsets says ${start} but the partition ends at ${high} (was the topic ` +
            `recreated?); delete this consumer's rows from dip_offsets to read it again from the start.`,
        )
      }
      positions.set(key, start)
      startAt.push({ topic, partition, offset: start })
      if (options.mode === 'batch' && start < high) targets.set(key, high)
    }
  }

  const totals = new Map<string, TableCounts>()
  // By topic: a table MySQL refused is left alone for the rest of the run, the others go on.
  const failed = new Map<string, TableFailure>()
  let records = 0
  let batches = 0
  const summary = (upToDate: boolean): WarehouseSummary => ({
    tables: totals,
    records,
    batches,
    upToDate,
    positions: [...positions].map(([key, offset]) => {
      const [topic = '', partition = '0'] = key.split('\u0000')
      return { topic, partition: Number(partition), offset }
    }),
    failed: [...failed.values()],
  })
  if (options.mode === 'batch' && targets.size === 0) return summary(true)

  const stop = new AbortController()
  const onAbort = () => stop.abort()
  deps.signal.addEventListener('abort', onAbort, { once: true })
  if (deps.signal.aborted) stop.abort()

  // Where the next batch of each partition starts (advanced when a batch is accepted), and what
  // dip_offsets will hold once the queued writes are done (the position each write checks).
  const accepted = new Map(positions)
  const willHold = new Map(inDatabase)
  // Writes run one after another on the session, while the next batch is decoded and planned:
  // MySQL works while this process converts. At most MAX_QUEUED writes wait; a failure stops all,
  // except a table MySQL refuses, which stops that table only.
  let queue: Promise<void> = Promise.resolve()
  let queued = 0
  let failure: unknown
  const groupCommits = new Map<string, TopicPartitionOffset>()
  let lastGroupCommitAt = Date.now()
  let commitWarned = false

  const commitsAsMember = deps.groupCommitter === undefined
  const commitGroupOffsets = async () => {
    const offsets = [...groupCommits.values()]
    groupCommits.clear()
    lastGroupCommitAt = Date.now()
    await (deps.groupCommitter ?? deps.source).commit(offsets).catch((error: unknown) => {
      if (commitWarned) return
      commitWarned = true
      deps.onWarning?.(
        `could not commit consumer-group offsets (MySQL holds the real position): ${String(error)}`,
      )
    })
  }

  // A batch run ends when every partition reached its target or belongs to a failed table.
  const reached = async (key: string) => {
    targets.delete(key)
    if (options.mode !== 'batch' || targets.size > 0) return
    // A member commits before leaving (cheaper than after); a separate committer after the run.
    if (commitsAsMember) await commitGroupOffsets()
    stop.abort()
  }

  const writeOne = (batch: WriteJob) =>
    deps.session.run((connection) =>
      writeBatch(
        connection,
        {
          consumer: options.consumer,
          plans: batch.plan.records === 0 ? [] : [batch.plan],
          positions: [batch.position],
          expected: [
            { topic: batch.position.topic, partition: batch.position.partition, offset: batch.expected },
          ],
        },
        options.maxRowsPerStatement === undefined ? {} : { maxRowsPerStatement: options.maxRowsPerStatement },
      ),
    )

  const tableFailed = async (batch: WriteJob, error: unknown) => {
    const { topic } = batch.position
    const sink = byTopic.get(topic)
    const stored = [...positions]
      .filter(([key]) => key.startsWith(`${topic}\u0000`))
      .map(([key, offset]) => `[${key.split('\u0000')[1] ?? ''}] ${offset}`)
      .join(', ')
    const failure = writeFailure(topic, sink?.table.table ?? topic, error, `offset(s) ${stored}`)
    failed.set(topic, failure)
    deps.onWarning?.(`${failure.error}. The other tables go on. ${failure.fix}`)
    for (const key of [...targets.keys()]) if (key.startsWith(`${topic}\u0000`)) await reached(key)
  }

  const write = async (batch: WriteJob) => {
    // Writes queued behind a refused one would expect its position: they wait for the next run too.
    if (failed.has(batch.position.topic)) return
    let counts: Map<string, TableCounts>
    try {
      counts = await writeOne(batch)
    } catch (error) {
      if (!isTableError(error)) throw error
      await tableFailed(batch, error)
      return
    }
    positions.set(batch.key, batch.position.offset)
    inDatabase.set(batch.key, batch.position.offset)
    batches += 1
    records += batch.plan.records
    for (const [table, c] of counts) {
      const t = totals.get(table) ?? { records: 0, upserted: 0, deleted: 0, rejected: 0 }
      totals.set(table, {
        records: t.records + c.records,
        upserted: t.upserted + c.upserted,
        deleted: t.deleted + c.deleted,
        rejected: t.rejected + c.rejected,
      })
    }
    deps.onBatch?.({ records, tables: totals, position: batch.position })
    // Group offsets only serve lag monitoring: committed after MySQL, at most once a second.
    groupCommits.set(batch.key, batch.position)
    if (commitsAsMember && Date.now() - lastGroupCommitAt >= 1000) await commitGroupOffsets()
    const target = targets.get(batch.key)
    if (target !== undefined && batch.position.offset >= target) await reached(batch.key)
  }

  const enqueue = async (job: WriteJob) => {
    accepted.set(job.key, job.position.offset)
    willHold.set(job.key, job.position.offset)
    const previous = queue
    queued += 1
    queue = queue.then(async () => {
      try {
        if (failure === undefined) await write(job)
      } catch (error) {
        failure ??= error
        stop.abort()
      } finally {
        queued -= 1
      }
    })
    if (queued > MAX_QUEUED) await previous
    if (failure !== undefined) throw failure
  }

  const perWrite = Math.max(1, options.recordsPerWrite ?? RECORDS_PER_WRITE)
  const eachBatch = async (batch: RecordBatch) => {
    if (failure !== undefined) throw failure
    const key = partitionKey(batch.topic, batch.partition)
    const sink = byTopic.get(batch.topic)
    const from = accepted.get(key) ?? 0n
    const target = targets.get(key)
    if (sink === undefined || failed.has(batch.topic) || (options.mode === 'batch' && target === undefined))
      return
    let next = batch.nextOffset
    if (target !== undefined && next > target) next = target
    if (next <= from) return
    const fresh = batch.records.filter((record) => record.offset >= from && record.offset < next)
    // A fetch can hold tens of thousands of records. It is written as several transactions of at
    // most `recordsPerWrite` records, each with its own end position, and this loop yields between
    // them, so MySQL writes one part while the next is decoded instead of waiting for the whole fetch.
    for (let start = 0; start < fresh.length || start === 0; start += perWrite) {
      const part = fresh.slice(start, start + perWrite)
      const last = start + perWrite >= fresh.length
      const end = last ? next : (part.at(-1)?.offset ?? from) + 1n
      if (start > 0) await yieldToEventLoop()
      if (failure !== undefined) throw failure
      await enqueue({
        key,
        plan: planBatch(sink.table, part.map(sink.decode)),
        position: { topic: batch.topic, partition: batch.partition, offset: end },
        expected: willHold.get(key) ?? null,
      })
    }
  }

  try {
    const pendingTopics =
      options.mode === 'batch'
        ? topics.filter((t) => [...targets.keys()].some((k) => k.startsWith(`${t}\u0000`)))
        : topics
    let failedAt: number | undefined
    let delayMs = 500
    for (;;) {
      // Resume from what MySQL holds: after a broker outage the consumer is rebuilt at these positions.
      const resumeAt = startAt.map((entry) => ({
        ...entry,
        offset: accepted.get(partitionKey(entry.topic, entry.partition)) ?? entry.offset,
      }))
      try {
        await deps.source.run({ topics: pendingTopics, startAt: resumeAt, signal: stop.signal, eachBatch })
        break
      } catch (error) {
        await queue
        if (failure !== undefined) throw failure
        // Only the broker side is retried here; MySQL errors were already retried by the session.
        if (!isDipError(error) || error.code !== 'DIP_KAFKA' || stop.signal.aborted) throw error
        failedAt ??= Date.now()
        if (Date.now() - failedAt > (options.kafkaRetryForMs ?? 300_000)) throw error
        deps.onWarning?.(`${error.message}; reconnecting to Kafka in ${delayMs} ms`)
        await sleep(delayMs)
        delayMs = Math.min(delayMs * 2, 5000)
      }
    }
    // Stopped (caught up, signal, or a failed write): finish the queued writes first.
    await queue
    if (failure !== undefined) throw failure
    if (groupCommits.size > 0) await commitGroupOffsets()
  } finally {
    deps.signal.removeEventListener('abort', onAbort)
  }
  return summary(false)
}

interface WriteJob {
  readonly key: string
  readonly plan: TablePlan
  readonly position: TopicPartitionOffset
  /** What dip_offsets holds before this write (null: no row yet). */
  readonly expected: bigint | null
}
