// The SDK's index first: its modules import each other in a cycle that only this entry resolves.
import 'apache-beam'
import type { ConsumeLakeDeps, LakePlan, LakeSummary, PartitionState } from '../consume/lake-job-types.ts'
import { openFeedLake, summarize } from '../consume/lake-job-run.ts'
import { formatBytes } from '../shared/format-bytes.ts'
import type { LakeTopic } from '../lake/lake-sink.ts'
import { encodeRecordLine } from '../sinks/lake-line.ts'
import type { Feed } from '../sinks/feeds.ts'
import { registerAsyncDoFn } from './async-do-fn.ts'
import type { PipelineReport } from './pipeline-report.ts'
import { DIRECT, runnerLabel, runnerTitle } from './runner-choice.ts'
import { readDecodeWrite, type Tagged as TaggedOf } from './batch-pipeline.ts'
import {
  finishLakeBundle,
  writeToLake,
  type LakeDeadLetter,
  type LakeRow,
  type LakeWriterInput,
  type LakeWriterState,
  type PartitionEnd,
} from './lake-write-step.ts'
import type { ReadOutput, ReadResources, ReadSlice } from './read-kafka.ts'
import { resourcesOf, runPipeline } from './run-pipeline.ts'
import { stageReports } from './stage-stats.ts'

type Tagged = TaggedOf<LakeRow, LakeDeadLetter, PartitionEnd>

interface LakeResources extends ReadResources, LakeWriterState {
  readonly targets: ReadonlyMap<string, LakeTopic>
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

registerAsyncDoFn<LakeWriterInput, never, { readonly run: string }>(WRITE, {
  process: (element, _emit, { run }) => writeToLake(resourcesOf<LakeResources>(run), element),
  finishBundle: (_emit, { run }) => finishLakeBundle(resourcesOf<LakeResources>(run)),
})

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
  const target = plan.beam ?? DIRECT
  const title = runnerTitle(target)
  const spinner = reporter.spinner(`${title}: sinking ${feeds.length} topic(s) into ${plan.root}`)
  const progress = setInterval(() => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001)
    const read = resources.progress.read
    spinner.update(
      `${title}: ${read.toLocaleString('en-US')} records read (${Math.round(read / seconds).toLocaleString('en-US')}/s), ${sink.pendingRecords().toLocaleString('en-US')} not yet in a lake file`,
    )
  }, 250)
  let stages
  try {
    const run = await runPipeline(
      resources,
      (root, runId) =>
        readDecodeWrite<LakeRow, LakeDeadLetter, PartitionEnd>(root, runId, slices, {
          decodeFn: DECODE,
          writeName: 'WriteLake',
          writeFn: WRITE,
        }),
      target,
      (phase) => spinner.update(`${title}: ${phase}`),
    )
    stages = run.stages
    // Partitions that did not reach their end offset (the run was stopped): what was read of them
    // is contiguous from the lake's position, so it is kept, as dip's own loop keeps it.
    await resources.turn
    await sink.flushAll()
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
    runner: runnerLabel(target),
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
      `${title}: ${summary.records.toLocaleString('en-US')} records, ${summary.errors} dead letter(s), ${summary.files} file(s), ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(1)} s`,
    )
  return { ...summary, ...report }
}
