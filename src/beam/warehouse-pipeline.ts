// The SDK's index first: its modules import each other in a cycle that only this entry resolves.
import 'apache-beam'
import type { KafkaPorts, TopicAdmin, TopicPartitionOffset } from '../kafka/ports.ts'
import { loadPositions } from '../warehouse/bookkeeping.ts'
import { planBatch } from '../warehouse/plan-batch.ts'
import type { ReconnectingSession } from '../warehouse/reconnecting-session.ts'
import type { RunWarehouseOptions, SinkTable, WarehouseSummary } from '../warehouse/run-warehouse-sink.ts'
import { RECORDS_PER_WRITE } from '../warehouse/run-warehouse-sink.ts'
import type { WarehouseRecord } from '../warehouse/warehouse-record.ts'
import { isTableError, writeFailure, type TableFailure } from '../warehouse/table-failure.ts'
import { writeBatch, type TableCounts } from '../warehouse/write-batch.ts'
import { registerAsyncDoFn } from './async-do-fn.ts'
import type { PipelineReport } from './pipeline-report.ts'
import { readDecodeWrite, type Tagged as TaggedOf } from './batch-pipeline.ts'
import type { ReadOutput, ReadResources, ReadSlice } from './read-kafka.ts'
import { resourcesOf, runPipeline } from './run-pipeline.ts'
import { DIRECT, runnerLabel, type BeamTarget } from './runner-choice.ts'
import { stageReports } from './stage-stats.ts'

type Row = Exclude<WarehouseRecord, { kind: 'invalid' }>
type DeadLetter = Extract<WarehouseRecord, { kind: 'invalid' }>
type PartitionEnd = Extract<ReadOutput, { kind: 'end' }>
type Tagged = TaggedOf<Row, DeadLetter, PartitionEnd>
type WriterInput = Row | DeadLetter | PartitionEnd

/** Writes waiting behind the one in progress before the writer holds up the read (bounds memory). */
const MAX_QUEUED = 2

interface Part {
  readonly records: WarehouseRecord[]
  /** Where the partition resumes after these records. */
  next: bigint
}

interface WriteJob {
  readonly table: SinkTable
  readonly records: readonly WarehouseRecord[]
  readonly position: TopicPartitionOffset
  /** What dip_offsets holds before this write (null: no row yet), checked under a row lock. */
  readonly expected: bigint | null
}

interface WarehouseResources extends ReadResources {
  readonly consumer: string
  readonly tables: ReadonlyMap<string, SinkTable>
  readonly session: ReconnectingSession
  readonly perWrite: number
  readonly maxRowsPerStatement: number | undefined
  readonly parts: Map<string, Part>
  /** What dip_offsets will hold once the queued writes are done. */
  readonly willHold: Map<string, bigint>
  /** What dip_offsets holds (after each committed write). */
  readonly positions: Map<string, bigint>
  readonly totals: Map<string, TableCounts>
  readonly onWritten: (records: number) => void
  written: number
  batches: number
  queue: Promise<void>
  queued: number
  failure: unknown
  /** Tables MySQL refused: their records wait in Kafka for the next run, the others go on. */
  readonly failedTables: Map<string, TableFailure>
}

const DECODE = 'dip:warehouse:decode'
const WRITE = 'dip:warehouse:write'
export const WAREHOUSE_STAGES = ['ReadKafka', 'DecodeValidate', 'WriteWarehouse'] as const

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`

registerAsyncDoFn<ReadOutput, Tagged, { readonly run: string }>(DECODE, {
  async process(element, emit, { run }) {
    if (element.kind === 'end') return emit({ ends: element })
    const table = resourcesOf<WarehouseResources>(run).tables.get(element.record.topic)
    if (table === undefined) return
    const decoded = table.decode(element.record)
    await emit(decoded.kind === 'invalid' ? { deadLetters: decoded } : { rows: decoded })
  },
})

registerAsyncDoFn<WriterInput, never, { readonly run: string }>(WRITE, {
  async process(element, _emit, { run }) {
    const resources = resourcesOf<WarehouseResources>(run)
    if (resources.failure !== undefined) throw resources.failure
    if (element.kind === 'end') {
      const key = partitionKey(element.topic, element.partition)
      const part = resources.parts.get(key)
      // The end lies past trailing transaction markers: stored with the last rows (or alone).
      if (part !== undefined && part.next < element.offset) part.next = element.offset
      if (part === undefined && (resources.willHold.get(key) ?? -1n) < element.offset)
        resources.parts.set(key, { records: [], next: element.offset })
      await flushPart(resources, element.topic, element.partition)
      return
    }
    const { topic, partition, offset } = element.ref
    if (resources.failedTables.has(topic)) return
    const key = partitionKey(topic, partition)
    let part = resources.parts.get(key)
    if (part === undefined) {
      part = { records: [], next: offset + 1n }
      resources.parts.set(key, part)
    }
    part.records.push(element)
    part.next = offset + 1n
    if (part.records.length >= resources.perWrite) await flushPart(resources, topic, partition)
  },
  async finishBundle(_emit, { run }) {
    const resources = resourcesOf<WarehouseResources>(run)
    for (const key of [...resources.parts.keys()]) {
      const [topic = '', partition = '0'] = key.split('\u0000')
      await flushPart(resources, topic, Number(partition))
    }
    await resources.queue
    if (resources.failure !== undefined) throw resources.failure
  },
})

/** Queues one transaction of a partition's buffered records with their end position. */
async function flushPart(resources: WarehouseResources, topic: string, partition: number): Promise<void> {
  const key = partitionKey(topic, partition)
  const part = resources.parts.get(key)
  const table = resources.tables.get(topic)
  if (part === undefined || table === undefined) return
  resources.parts.delete(key)
  const job: WriteJob = {
    table,
    records: part.records,
    position: { topic, partition, offset: part.next },
    expected: resources.willHold.get(key) ?? null,
  }
  resources.willHold.set(key, part.next)
  const previous = resources.queue
  resources.queued += 1
  // MySQL writes one part while the next is read and decoded; a failure stops everything.
  resources.queue = resources.queue.then(async () => {
    try {
      // Writes queued behind a refused one would expect its position: they wait for the next run too.
      if (resources.failure === undefined && !resources.failedTables.has(topic)) await write(resources, job)
    } catch (error) {
      if (isTableError(error)) tableFailed(resources, job, error)
      else resources.failure ??= error
    } finally {
      resources.queued -= 1
    }
  })
  if (resources.queued > MAX_QUEUED) await previous
  if (resources.failure !== undefined) throw resources.failure
}

/** One table MySQL refuses fails alone (as in dip's own loop): reported, its position left where it was. */
function tableFailed(resources: WarehouseResources, job: WriteJob, error: unknown): void {
  const { topic } = job.position
  const stored = [...resources.positions]
    .filter(([key]) => key.startsWith(`${topic}\u0000`))
    .map(([key, offset]) => `[${key.split('\u0000')[1] ?? ''}] ${offset}`)
    .join(', ')
  const failure = writeFailure(topic, job.table.table.table, error, `offset(s) ${stored}`)
  resources.failedTables.set(topic, failure)
  resources.warn(`${failure.error}. The other tables go on. ${failure.fix}`)
}

async function write(resources: WarehouseResources, job: WriteJob): Promise<void> {
  const plan = planBatch(job.table.table, job.records)
  const { topic, partition, offset } = job.position
  const counts = await resources.session.run((connection) =>
    writeBatch(
      connection,
      {
        consumer: resources.consumer,
        plans: plan.records === 0 ? [] : [plan],
        positions: [job.position],
        expected: [{ topic, partition, offset: job.expected }],
      },
      resources.maxRowsPerStatement === undefined
        ? {}
        : { maxRowsPerStatement: resources.maxRowsPerStatement },
    ),
  )
  resources.positions.set(partitionKey(topic, partition), offset)
  resources.batches += 1
  resources.written += plan.records
  for (const [table, c] of counts) {
    const t = resources.totals.get(table) ?? { records: 0, upserted: 0, deleted: 0, rejected: 0 }
    resources.totals.set(table, {
      records: t.records + c.records,
      upserted: t.upserted + c.upserted,
      deleted: t.deleted + c.deleted,
      rejected: t.rejected + c.rejected,
    })
  }
  resources.onWritten(resources.written)
}

export interface WarehouseBeamDeps {
  readonly kafka: KafkaPorts
  readonly admin: TopicAdmin
  /** Base of the per-run consumer groups; the group offsets go to `groupCommitter`. */
  readonly groupId: string
  readonly groupCommitter: { commit(offsets: readonly TopicPartitionOffset[]): Promise<void> }
  readonly session: ReconnectingSession
  readonly signal: AbortSignal
  readonly onProgress?: (progress: { readonly read: number; readonly written: number }) => void
  readonly onWarning?: (message: string) => void
  /** Where the pipeline runs (default: the direct runner, in this process). */
  readonly target?: BeamTarget
  /** Progress before the first record on Flink (download, JVM start). */
  readonly onPhase?: (text: string) => void
}

/**
 * `dip consume warehouse --batch` as a Beam pipeline:
 *
 *   Create(topic ranges) → ReadKafka → DecodeValidate → Split(rows | deadLetters | ends)
 *     → Flatten → WriteWarehouse
 *
 * Ranges start at the positions in dip_offsets and end at the end offsets captured at start. The
 * writer is dip's: per partition, transactions of `recordsPerWrite` records holding their rows,
 * their rejects (the dead letters, in dip_rejects) and their end position, so a kill at any point
 * leaves MySQL as an uninterrupted run would. Group offsets follow after the pipeline.
 */
export async function runWarehouseBatchOnBeam(
  options: RunWarehouseOptions,
  deps: WarehouseBeamDeps,
): Promise<WarehouseSummary & PipelineReport> {
  const byTopic = new Map(options.tables.map((sink) => [sink.table.topic, sink]))
  const topics = [...byTopic.keys()]
  const stored = await deps.session.run((connection) => loadPositions(connection, options.consumer, topics))
  const positions = new Map(stored.map((p) => [partitionKey(p.topic, p.partition), p.offset]))
  const willHold = new Map(positions)
  const slices: ReadSlice[] = []
  for (const topic of topics) {
    const partitions: ReadSlice['partitions'][number][] = []
    for (const { partition, low, high } of await deps.admin.topicOffsets(topic)) {
      const key = partitionKey(topic, partition)
      let start = positions.get(key) ?? low
      if (start < low) {
        deps.onWarning?.(
          `${topic}[${partition}]: records ${start}..${low - 1n} were deleted by retention; resuming at ${low}.`,
        )
        start = low
      }
      if (start > high)
        deps.onWarning?.(
          `${topic}[${partition}]: dip_offsets says ${start} but the partition ends at ${high} (was the topic ` +
            `recreated?); delete this consumer's rows from dip_offsets to read it again from the start.`,
        )
      positions.set(key, start)
      if (start < high) partitions.push({ partition, start, low, end: high })
    }
    if (partitions.length > 0) slices.push({ topic, partitions })
  }
  const positionList = () =>
    [...positions].map(([key, offset]) => {
      const [topic = '', partition = '0'] = key.split('\u0000')
      return { topic, partition: Number(partition), offset }
    })
  if (slices.length === 0)
    return {
      tables: new Map(),
      records: 0,
      batches: 0,
      upToDate: true,
      positions: positionList(),
      failed: [],
      runner: runnerLabel(deps.target ?? DIRECT),
      recordsIn: 0,
      recordsOut: 0,
      deadLetters: 0,
      stages: [],
    }

  const progress = { read: 0 }
  const resources: WarehouseResources = {
    kafka: deps.kafka,
    groupId: deps.groupId,
    signal: deps.signal,
    warn: (message) => deps.onWarning?.(message),
    progress,
    consumer: options.consumer,
    tables: byTopic,
    session: deps.session,
    perWrite: Math.max(1, options.recordsPerWrite ?? RECORDS_PER_WRITE),
    maxRowsPerStatement: options.maxRowsPerStatement,
    parts: new Map(),
    willHold,
    positions,
    totals: new Map(),
    onWritten: (written) => deps.onProgress?.({ read: progress.read, written }),
    written: 0,
    batches: 0,
    queue: Promise.resolve(),
    queued: 0,
    failure: undefined,
    failedTables: new Map(),
  }
  const ticker = setInterval(
    () => deps.onProgress?.({ read: progress.read, written: resources.written }),
    250,
  )
  let run
  try {
    run = await runPipeline(
      resources,
      (root, runId) =>
        readDecodeWrite<Row, DeadLetter, PartitionEnd>(root, runId, slices, {
          decodeFn: DECODE,
          writeName: 'WriteWarehouse',
          writeFn: WRITE,
        }),
      deps.target,
      deps.onPhase,
    )
  } finally {
    clearInterval(ticker)
    // A failed pipeline may leave a write in flight: it commits or rolls back whole.
    await resources.queue
  }
  // Lag monitoring only (MySQL holds the real position): after everything is committed there.
  const written = positionList().filter((p) => p.offset > 0n)
  if (written.length > 0)
    await deps.groupCommitter.commit(written).catch((error: unknown) => {
      deps.onWarning?.(
        `could not commit consumer-group offsets (MySQL holds the real position): ${String(error)}`,
      )
    })
  return {
    tables: resources.totals,
    records: resources.written,
    batches: resources.batches,
    upToDate: false,
    positions: positionList(),
    failed: [...resources.failedTables.values()],
    runner: runnerLabel(deps.target ?? DIRECT),
    recordsIn: progress.read,
    recordsOut: [...resources.totals.values()].reduce((sum, t) => sum + t.upserted + t.deleted, 0),
    deadLetters: [...resources.totals.values()].reduce((sum, t) => sum + t.rejected, 0),
    stages: stageReports(run.stages, WAREHOUSE_STAGES),
  }
}
