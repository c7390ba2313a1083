// The SDK's index first: its modules import each other in a cycle that only this entry resolves.
import 'apache-beam'
import type { ConsumeLakeDeps, LakePlan, LakeSummary, PartitionState } from '../consume/lake-job-types.ts'
import { openFeedLake, summarize } from '../consume/lake-job-run.ts'
import { formatBytes } from '../shared/format-bytes.ts'
import type { ConsumedRecord } from '../kafka/ports.ts'
import type { LakeSink, LakeTopic } from '../lake/lake-sink.ts'
import type { DecodeError } from '../sinks/decode-record.ts'
import { encodeRecordLine, type LakeLine } from '../sinks/lake-line.ts'
import type { Feed } from '../sinks/feeds.ts'
import { registerAsyncDoFn } from './async-do-fn.ts'
import type { PipelineReport } from './pipeline-report.ts'
import { readDecodeWrite, type Tagged as TaggedOf } from './batch-pipeline.ts'
import type { ReadOutput, ReadResources, ReadSlice } from './read-kafka.ts'
import { resourcesOf, runPipeline } from './run-pipeline.ts'
import { stageReports } from './stage-stats.ts'

/** The decode step's tagged outputs: good rows, the dead-letter side output, and partition ends. */
type LakeRow = {
  readonly kind: 'row'
  readonly record: ConsumedRecord
  readonly line: LakeLine
  readonly deleted: boolean
}
type LakeDeadLetter = {
  readonly kind: 'deadLetter'
  readonly record: ConsumedRecord
  readonly error: DecodeError
}
type PartitionEnd = Extract<ReadOutput, { kind: 'end' }>
type Tagged = TaggedOf<LakeRow, LakeDeadLetter, PartitionEnd>
type WriterInput = LakeRow | LakeDeadLetter | PartitionEnd

interface LakeResources extends ReadResources {
  readonly targets: ReadonlyMap<string, LakeTopic>
  readonly sink: LakeSink
  /** Partitions read to their end offset: their group position goes to the end itself. */
  readonly ended: PartitionEnd[]
  /** The lake writer is not re-entrant; reads of several topics feed it at once. */
  turn: Promise<unknown>
}

const DECODE = 'dip:lake:decode'
const WRITE = 'dip:lake:write'
export const LAKE_STAGES = ['ReadKafka', 'DecodeValidate', 'WriteLake'] as const

registerAsyncDoFn<ReadOutput, Tagged, { readonly run: string }>(DECODE, {
  async process(element, emit, { run }) {
    if (element.kind === 'end') return emit({ ends: element })
    const target = resourcesOf<LakeResources>(run).targets.get(element.record.topic)
    if (target === undefined) return
    const encoded = encodeRecordLine(element.record, target)
    await emit(
      encoded.ok
        ? { rows: { kind: 'row', record: element.record, line: encoded.line, deleted: encoded.deleted } }
        : { deadLetters: { kind: 'deadLetter', record: element.record, error: encoded.error } },
    )
  },
})

registerAsyncDoFn<WriterInput, never, { readonly run: string }>(WRITE, {
  process(element, _emit, { run }) {
    const resources = resourcesOf<LakeResources>(run)
    return serialized(resources, async () => {
      switch (element.kind) {
        case 'end':
          resources.ended.push(element)
          return
        case 'row':
          await resources.sink.appendEncoded(element.record, {
            ok: true,
            line: element.line,
            deleted: element.deleted,
          })
          return
        case 'deadLetter':
          await resources.sink.appendEncoded(element.record, { ok: false, error: element.error })
          return
      }
    })
  },
  finishBundle(_emit, { run }) {
    const resources = resourcesOf<LakeResources>(run)
    return serialized(resources, async () => void (await resources.sink.flushAll()))
  },
})

function serialized(resources: LakeResources, work: () => Promise<void>): Promise<void> {
  const next = resources.turn.then(work)
  resources.turn = next.catch(() => undefined)
  return next
}

/**
 * `dip consume lake --batch` as a Beam pipeline:
 *
 *   Create(topic ranges) → ReadKafka → DecodeValidate → Split(rows | deadLetters | ends)
 *     → Flatten → WriteLake
 *
 * The writer is dip's lake sink: windows of `maxFileRecords` cut from the lake's own position, so a
 * rerun names files alike; files are renamed into place before the position moves. The group
 * offsets are committed after the pipeline, once everything is in the lake.
 */
export async function runLakeBatchOnBeam(
  plan: LakePlan,
  deps: ConsumeLakeDeps,
  feeds: readonly Feed[],
  states: readonly PartitionState[],
  startedAt: number,
): Promise<LakeSummary & PipelineReport> {
  const { kafka, reporter } = deps
  const { sink, lakeTopics, encoder, errorEncoder, toCommit } = openFeedLake(plan, feeds, states)
  const slices: ReadSlice[] = feeds
    .map((feed) => ({
      topic: feed.topic,
      partitions: states
        .filter((s) => s.topic === feed.topic && !s.done && s.end !== null)
        .map((s) => ({ partition: s.partition, start: s.start, low: s.low, end: s.end ?? s.start })),
    }))
    .filter((slice) => slice.partitions.length > 0)

  const resources: LakeResources = {
    kafka,
    groupId: plan.groupId,
    signal: deps.signal,
    warn: (message) => reporter.warn(message),
    progress: { read: 0 },
    targets: new Map(lakeTopics.map((t) => [t.topic, t])),
    sink,
    ended: [],
    turn: Promise.resolve(),
  }
  const spinner = reporter.spinner(`Beam (direct runner): sinking ${feeds.length} topic(s) into ${plan.root}`)
  const progress = setInterval(() => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001)
    const read = resources.progress.read
    spinner.update(
      `Beam (direct runner): ${read.toLocaleString('en-US')} records read (${Math.round(read / seconds).toLocaleString('en-US')}/s), ${sink.pendingRecords().toLocaleString('en-US')} not yet in a lake file`,
    )
  }, 250)
  let stages
  try {
    const run = await runPipeline(resources, (root, runId) =>
      readDecodeWrite<LakeRow, LakeDeadLetter, PartitionEnd>(root, runId, slices, {
        decodeFn: DECODE,
        writeName: 'WriteLake',
        writeFn: WRITE,
      }),
    )
    stages = run.stages
  } catch (error) {
    spinner.fail('lake pipeline stopped on an error; every complete window read so far is in the lake')
    // What was read is contiguous from the lake's position: keep it (as the loop does), then fail.
    await resources.turn
    await sink.flushAll().catch(() => undefined)
    throw error
  } finally {
    clearInterval(progress)
    await encoder.close()
    if (errorEncoder !== encoder) await errorEncoder.close()
  }

  // Only now is every record in a lake file: the group's position may move. A partition read to
  // its end goes to the end itself, past a trailing transaction marker (lag then reads 0, not 1).
  for (const end of resources.ended)
    toCommit.set(`${end.topic}:${end.partition}`, {
      topic: end.topic,
      partition: end.partition,
      offset: end.offset,
    })
  if (plan.commit && toCommit.size > 0) {
    const committer = kafka.source({ groupId: plan.groupId })
    try {
      await committer.commit([...toCommit.values()])
    } catch (error) {
      reporter.warn(`could not commit the position to group ${plan.groupId}: ${(error as Error).message}`)
    } finally {
      await committer.close().catch(() => undefined)
    }
  }

  const stats = sink.stats()
  const nothingNew = [...stats.values()].every((s) => s.records + s.errors === 0)
  const summary = summarize(plan, feeds, stats, startedAt, nothingNew)
  const reports = stageReports(stages, LAKE_STAGES)
  const report: PipelineReport = {
    runner: 'beam-direct',
    recordsIn: resources.progress.read,
    recordsOut: summary.records,
    deadLetters: summary.errors,
    stages: reports,
  }
  if (nothingNew) {
    spinner.stop()
    reporter.success(`lake is up to date: nothing new in ${feeds.length} topic(s), nothing written`)
  } else
    spinner.succeed(
      `Beam (direct runner): ${summary.records.toLocaleString('en-US')} records, ${summary.errors} dead letter(s), ${summary.files} file(s), ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(1)} s`,
    )
  return { ...summary, ...report }
}
