import { isDipError } from '../shared/errors.ts'
import { BATCH_FETCH_WAIT_MS, type RecordBatch, type TopicPartitionOffset } from '../kafka/ports.ts'
import { createJsonlEncoder } from '../lake/encoders/jsonl-encoder.ts'
import type { LakeEncoder } from '../lake/encoders/lake-encoder.ts'
import { createParquetEncoder } from '../lake/encoders/parquet-encoder.ts'
import { createLakeSink, type LakeTopic } from '../lake/lake-sink.ts'
import type { Feed } from '../sinks/feeds.ts'
import { createStreamProgress, topicsLag } from '../sinks/stream-progress.ts'
import type {
  ConsumeLakeDeps,
  LakePlan,
  LakeSummary,
  LakeTopicSummary,
  PartitionState,
} from './lake-job-types.ts'
import { STREAM_PROGRESS_MS } from './lake-job-types.ts'
import { formatBytes } from '../shared/format-bytes.ts'
import { sleep } from '../shared/sleep.ts'

const COMMIT_INTERVAL_MS = 60_000
const RETRY_DELAY_MS = 1000
const MAX_RETRY_DELAY_MS = 5000
const KAFKA_RETRY_FOR_MS = 300_000

/**
 * The lake sink of a run over these feeds, at their start positions, with the encoders it writes
 * through and the group offsets each flushed file makes committable. Shared by dip's own loop and
 * the Beam pipeline, so both write the same files.
 */
export function openFeedLake(plan: LakePlan, feeds: readonly Feed[], states: readonly PartitionState[]) {
  const encoder: LakeEncoder = plan.format === 'parquet' ? createParquetEncoder() : createJsonlEncoder()
  const errorEncoder = plan.format === 'jsonl' ? encoder : createJsonlEncoder()
  const toCommit = new Map<string, TopicPartitionOffset>()
  const lakeTopics: LakeTopic[] = feeds.map((feed) => ({
    topic: feed.topic,
    area: feed.kind === 'table' ? 'tables' : 'streams',
    kind: feed.kind,
    schema: feed.schema,
  }))
  const sink = createLakeSink(lakeTopics, {
    root: plan.root,
    timeZone: plan.timeZone,
    encoder,
    errorEncoder,
    maxRecords: plan.maxFileRecords,
    maxBytes: plan.maxFileBytes,
    onFlushed: ({ topic, partition, nextOffset }) =>
      void toCommit.set(`${topic}:${partition}`, { topic, partition, offset: nextOffset }),
  })
  for (const state of states) sink.setPosition(state.topic, state.partition, state.start)
  return { sink, lakeTopics, encoder, errorEncoder, toCommit }
}

/** Reads the feeds from their start positions into the lake; the loop of `dip consume lake`. */
export async function sinkFeeds(
  plan: LakePlan,
  deps: ConsumeLakeDeps,
  feeds: readonly Feed[],
  states: readonly PartitionState[],
  startedAt: number,
): Promise<LakeSummary> {
  const { kafka, reporter } = deps
  const { sink, encoder, errorEncoder, toCommit } = openFeedLake(plan, feeds, states)
  const byId = new Map(states.map((s) => [`${s.topic}:${s.partition}`, s]))

  // The consumer's own group is per run: a restarted sink need not wait for a killed member's
  // session to expire, and the position comes from the lake anyway. Progress is committed to
  // plan.groupId (without joining it, at the end of a run and once a minute while streaming) for
  // monitoring and for tools that read group offsets.
  const committer = kafka.source({ groupId: plan.groupId })
  const newSource = () =>
    kafka.source({
      groupId: `${plan.groupId}-${process.pid}-${Date.now().toString(36)}`,
      fromBeginning: true,
      ...(plan.mode === 'batch' ? { maxWaitMs: BATCH_FETCH_WAIT_MS } : {}),
    })
  let source = newSource()
  let commitWarned = false
  let lastCommitAt = Date.now()
  let committing: Promise<void> = Promise.resolve()
  const commit = async () => {
    lastCommitAt = Date.now()
    if (toCommit.size === 0 || !plan.commit) return
    const offsets = [...toCommit.values()]
    toCommit.clear()
    try {
      await committer.commit(offsets)
    } catch (error) {
      if (!commitWarned)
        reporter.warn(`could not commit the position to group ${plan.groupId}: ${(error as Error).message}`)
      commitWarned = true
    }
  }

  // Batches and timer flushes take turns: the sink is not re-entrant.
  let turn: Promise<unknown> = Promise.resolve()
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = turn.then(work)
    turn = next.catch(() => undefined)
    return next
  }

  const controller = new AbortController()
  const stop = () => controller.abort()
  deps.signal.addEventListener('abort', stop, { once: true })
  if (deps.signal.aborted) stop()

  const spinner = reporter.spinner(`sinking ${feeds.length} topic(s) into ${plan.root}`)
  let seen = 0
  const progress = () => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001)
    spinner.update(
      `sinking ${feeds.length} topic(s): ${seen.toLocaleString('en-US')} records (${Math.round(seen / seconds).toLocaleString('en-US')}/s), ${sink.pendingRecords().toLocaleString('en-US')} in memory`,
    )
  }
  const checkDone = () => {
    if (plan.mode === 'batch' && states.every((s) => s.done)) controller.abort()
  }
  checkDone()

  // Streaming: a line every so often even without a terminal, and word of a broker outage.
  const lagAdmin = plan.mode === 'streaming' ? kafka.admin() : undefined
  const streamProgress =
    lagAdmin === undefined
      ? undefined
      : createStreamProgress({
          label: 'lake',
          everyMs: plan.progressEveryMs ?? STREAM_PROGRESS_MS,
          records: () => seen,
          lag: () =>
            topicsLag(
              lagAdmin,
              feeds.map((f) => f.topic),
              (topic, partition) =>
                sink.position(topic, partition) ?? byId.get(`${topic}:${partition}`)?.start,
            ),
          print: (line) => reporter.progress(line),
          warn: (line) => reporter.warn(line),
        })
  const timer =
    plan.mode === 'streaming'
      ? setInterval(
          () => {
            void serialized(async () => {
              await sink.flushStale(plan.idleFlushMs, plan.maxWindowAgeMs)
              // In the background: the admin commit takes seconds and must not hold up the sink.
              if (Date.now() - lastCommitAt >= COMMIT_INTERVAL_MS) committing = committing.then(commit)
              progress()
            }).catch(() => undefined)
            // Outside the sink's turn: the lag query waits on the broker, the sink must not.
            void streamProgress?.tick().catch(() => undefined)
          },
          Math.min(1000, plan.idleFlushMs),
        )
      : undefined

  let failure: unknown
  let failedAt: number | undefined
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await source.run({
          topics: feeds.map((f) => f.topic),
          // A fresh group starts at the earliest offset anyway; seek only where the lake is ahead of it.
          startAt: states
            .map((s) => ({ ...s, next: sink.position(s.topic, s.partition) ?? s.start }))
            .filter((s) => s.next > s.low)
            .map((s) => ({ topic: s.topic, partition: s.partition, offset: s.next })),
          signal: controller.signal,
          eachBatch: (batch: RecordBatch) =>
            serialized(async () => {
              failedAt = undefined
              const state = byId.get(`${batch.topic}:${batch.partition}`)
              const end = state?.end ?? null
              const records = end === null ? batch.records : batch.records.filter((r) => r.offset < end)
              seen += await sink.append(records)
              if (state !== undefined && end !== null && !state.done) {
                const position = sink.position(batch.topic, batch.partition) ?? state.start
                // On a transactional topic (every ksqlDB sink) the end offset lies past the commit
                // marker that follows the last record, so the position alone never reaches it. A batch
                // whose records were all taken and whose nextOffset covers the end finishes the partition;
                // a batch of only markers is trusted only close to the end, so a spurious empty fetch
                // cannot end the run early.
                const coversEnd =
                  batch.nextOffset >= end && (batch.records.length > 0 || end - position <= 64n)
                if (position >= end || coversEnd) state.done = true
              }
              progress()
              checkDone()
            }),
        })
        break
      } catch (error) {
        // A consumer that lost the broker for longer than its retries: start a fresh one from the
        // sink's own positions (records it already holds are skipped). A broker restart is ridden
        // out: retries back off, and give up once the broker has been gone for KAFKA_RETRY_FOR_MS
        // (a batch read since the last failure starts the clock again).
        failedAt ??= Date.now()
        if (
          controller.signal.aborted ||
          !isDipError(error) ||
          error.code !== 'DIP_KAFKA' ||
          Date.now() - failedAt > KAFKA_RETRY_FOR_MS
        )
          throw error
        const delayMs = Math.min(RETRY_DELAY_MS * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS)
        reporter.warn(
          `${error.message}; reconnecting to Kafka in ${delayMs / 1000} s (attempt ${attempt + 1})`,
        )
        await source.close().catch(() => undefined)
        await sleep(delayMs)
        source = newSource()
      }
    }
  } catch (error) {
    failure = error
  } finally {
    if (timer !== undefined) clearInterval(timer)
    streamProgress?.stop()
    deps.signal.removeEventListener('abort', stop)
  }
  try {
    // Whatever was read is consistent: flush it, so a failed run keeps its progress.
    await serialized(() => sink.flushAll())
    // A finished batch partition holds every record below its end offset, so the group's position
    // goes to the end itself, past a trailing transaction marker: lag then reads 0, not 1.
    for (const state of states)
      if (failure === undefined && state.done && state.end !== null && state.end > state.low)
        toCommit.set(`${state.topic}:${state.partition}`, {
          topic: state.topic,
          partition: state.partition,
          offset: state.end,
        })
    await committing
    await commit()
  } finally {
    await encoder.close()
    if (errorEncoder !== encoder) await errorEncoder.close()
    await committer.close().catch(() => undefined)
    await lagAdmin?.close().catch(() => undefined)
    await source.close().catch(() => undefined)
  }
  if (failure !== undefined) {
    spinner.fail('lake sink stopped on an error; everything read so far is in the lake')
    throw failure
  }
  const stats = sink.stats()
  // Only transaction markers past the lake's last record: nothing was new after all.
  const nothingNew = plan.mode === 'batch' && [...stats.values()].every((s) => s.records + s.errors === 0)
  const summary = summarize(plan, feeds, stats, startedAt, nothingNew)
  if (nothingNew) {
    spinner.stop()
    reporter.success(`lake is up to date: nothing new in ${feeds.length} topic(s), nothing written`)
    return summary
  }
  spinner.succeed(
    `${summary.records.toLocaleString('en-US')} records, ${summary.errors} error(s), ${summary.files} file(s), ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(1)} s`,
  )
  return summary
}

export function summarize(
  plan: LakePlan,
  feeds: readonly Feed[],
  stats: ReadonlyMap<
    string,
    { records: number; deleted: number; errors: number; files: number; bytes: number }
  >,
  startedAt: number,
  upToDate: boolean,
): LakeSummary {
  const topics = feeds.map((feed): LakeTopicSummary => {
    const s = stats.get(feed.topic) ?? { records: 0, deleted: 0, errors: 0, files: 0, bytes: 0 }
    return {
      topic: feed.topic,
      area: feed.kind === 'table' ? 'tables' : 'streams',
      origin: feed.origin,
      ...s,
    }
  })
  const sum = (pick: (t: LakeTopicSummary) => number) => topics.reduce((total, t) => total + pick(t), 0)
  return {
    mode: plan.mode,
    format: plan.format,
    lakeRoot: plan.root,
    upToDate,
    seconds: Math.round(Date.now() - startedAt) / 1000,
    records: sum((t) => t.records),
    errors: sum((t) => t.errors),
    files: sum((t) => t.files),
    bytes: sum((t) => t.bytes),
    topics,
  }
}
