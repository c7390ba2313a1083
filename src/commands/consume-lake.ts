import { createContext, type GlobalOptions } from '../cli/context.ts'
import type { Reporter } from '../cli/reporter.ts'
import type { FeedConfig } from '../config/config-schema.ts'
import type { KafkaPorts, RecordBatch, TopicPartitionOffset } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import { createJsonlEncoder } from '../lake/encoders/jsonl-encoder.ts'
import type { LakeEncoder } from '../lake/encoders/lake-encoder.ts'
import { createParquetEncoder } from '../lake/encoders/parquet-encoder.ts'
import { acquireLakeLock } from '../lake/lake-lock.ts'
import { recoverTopic } from '../lake/lake-position.ts'
import { createLakeSink, type LakeTopic } from '../lake/lake-sink.ts'
import { assertTimeZone } from '../lake/partition-path.ts'
import { DipError, isDipError, usageError } from '../shared/errors.ts'
import { resolveFeeds, type Feed } from '../sinks/feeds.ts'
import { formatBytes } from './produce.ts'
import { onStopSignals } from './stop-signals.ts'

const COMMIT_INTERVAL_MS = 60_000
const RUN_ATTEMPTS = 5
const RETRY_DELAY_MS = 2000

export interface LakePlan {
  readonly root: string
  readonly mode: 'batch' | 'streaming'
  readonly format: 'jsonl' | 'parquet'
  readonly topics: readonly string[] | undefined
  readonly timeZone: string
  readonly maxFileRecords: number
  readonly maxFileBytes: number
  /** Streaming: flush a partition's window after this long without new records... */
  readonly idleFlushMs: number
  /** ...or once it has been open this long. */
  readonly maxWindowAgeMs: number
  /** Consumer group the sink commits its position to (the lake stays the source of truth). */
  readonly groupId: string
  /** false: do not commit to groupId at all (saves the few seconds the admin commit takes). */
  readonly commit: boolean
}

export interface LakeTopicSummary {
  readonly topic: string
  readonly area: 'streams' | 'tables'
  readonly origin: Feed['origin']
  readonly records: number
  readonly deleted: number
  readonly errors: number
  readonly files: number
  readonly bytes: number
}

export interface LakeSummary {
  readonly mode: LakePlan['mode']
  readonly format: LakePlan['format']
  readonly lakeRoot: string
  /** True when a batch run found nothing new to write. */
  readonly upToDate: boolean
  readonly seconds: number
  readonly records: number
  readonly errors: number
  readonly files: number
  readonly bytes: number
  readonly topics: readonly LakeTopicSummary[]
}

export interface ConsumeLakeDeps {
  readonly kafka: KafkaPorts
  readonly ksql: KsqlClient | null
  readonly configFeeds: readonly FeedConfig[]
  readonly reporter: Reporter
  readonly signal: AbortSignal
}

interface PartitionState {
  readonly topic: string
  readonly partition: number
  readonly start: bigint
  /** First offset still on the broker. */
  readonly low: bigint
  /** Batch mode: the high watermark captured at start; reading stops there. */
  readonly end: bigint | null
  done: boolean
}

/**
 * `dip consume lake`: Kafka topics → date-partitioned lake files, exactly once. The position of
 * every partition is read back from the lake's file names before reading (after discarding what a
 * crash left half-written), and records before it are skipped, so a restart neither loses nor
 * repeats an offset.
 */
export async function consumeLake(plan: LakePlan, deps: ConsumeLakeDeps): Promise<LakeSummary> {
  const { kafka, reporter } = deps
  const startedAt = Date.now()
  const resolved = await resolveFeeds({ topics: plan.topics, configFeeds: deps.configFeeds, ksql: deps.ksql })
  for (const warning of resolved.warnings) reporter.warn(warning)

  const admin = kafka.admin()
  let feeds: Feed[]
  const states: PartitionState[] = []
  const lock = await acquireLakeLock(plan.root)
  try {
    try {
      feeds = await existingFeeds(resolved.feeds, await admin.listTopics(), reporter)
      for (const feed of feeds) {
        const recovery = await recoverTopic(plan.root, feed.topic)
        if (recovery.removed.length > 0)
          reporter.info(
            `${feed.topic}: removed ${recovery.removed.length} file(s) of an interrupted write; that part is sunk again`,
          )
        for (const { partition, low, high } of await admin.topicOffsets(feed.topic)) {
          const fromLake = recovery.positions.get(partition)
          let start = fromLake ?? low
          if (start < low) {
            reporter.warn(
              `${feed.topic}[${partition}]: offsets ${start}..${low - 1n} are no longer on the broker (retention); continuing at ${low}`,
            )
            start = low
          }
          const end = plan.mode === 'batch' ? high : null
          states.push({ topic: feed.topic, partition, start, low, end, done: end !== null && start >= end })
        }
      }
    } finally {
      await admin.close()
    }
    if (plan.mode === 'batch' && states.every((s) => s.done)) {
      const summary = summarize(plan, feeds, new Map(), startedAt, true)
      reporter.success(`lake is up to date: nothing new in ${feeds.length} topic(s), nothing written`)
      return summary
    }
    return await sinkFeeds(plan, deps, feeds, states, startedAt)
  } finally {
    await lock.release()
  }
}

async function existingFeeds(
  feeds: readonly Feed[],
  topics: readonly string[],
  reporter: Reporter,
): Promise<Feed[]> {
  const known = new Set(topics)
  const missing = feeds.filter((feed) => !known.has(feed.topic))
  const named = missing.filter((feed) => feed.origin === 'flag')
  if (named.length > 0)
    throw usageError(
      `unknown topic${named.length > 1 ? 's' : ''}: ${named.map((f) => f.topic).join(', ')}`,
      `existing topics: ${
        topics
          .filter((t) => !t.startsWith('_'))
          .sort()
          .join(', ') || '(none)'
      }`,
    )
  for (const feed of missing) reporter.warn(`topic ${feed.topic} does not exist yet: skipped`)
  const present = feeds.filter((feed) => known.has(feed.topic))
  if (present.length === 0)
    throw new DipError(
      'DIP_SINK',
      'nothing to sink: no ksqlDB stream or table and no enabled feed has a topic',
      {
        hint: 'apply the ksqlDB statements (dip ksql apply), add feeds to the config, or name topics with --topics',
      },
    )
  return present
}

async function sinkFeeds(
  plan: LakePlan,
  deps: ConsumeLakeDeps,
  feeds: readonly Feed[],
  states: readonly PartitionState[],
  startedAt: number,
): Promise<LakeSummary> {
  const { kafka, reporter } = deps
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
  const byId = new Map(states.map((s) => [`${s.topic}:${s.partition}`, s]))
  for (const state of states) sink.setPosition(state.topic, state.partition, state.start)

  // The consumer's own group is per run: a restarted sink need not wait for a killed member's
  // session to expire, and the position comes from the lake anyway. Progress is committed to
  // plan.groupId (through the admin API, which joins the group: so at the end of a run and once a
  // minute while streaming) for monitoring and for tools that read group offsets.
  const committer = kafka.source({ groupId: plan.groupId })
  const newSource = () =>
    kafka.source({
      groupId: `${plan.groupId}-${process.pid}-${Date.now().toString(36)}`,
      fromBeginning: true,
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
          },
          Math.min(1000, plan.idleFlushMs),
        )
      : undefined

  let failure: unknown
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
              const state = byId.get(`${batch.topic}:${batch.partition}`)
              const end = state?.end ?? null
              const records = end === null ? batch.records : batch.records.filter((r) => r.offset < end)
              seen += await sink.append(records)
              if (state !== undefined && end !== null && !state.done) {
                const position = sink.position(batch.topic, batch.partition) ?? state.start
                // A batch of only transaction markers moves nextOffset past the last record; trust it
                // only close to the end, so a spurious empty fetch cannot end the run early.
                const markersOnly =
                  batch.records.length === 0 && batch.nextOffset >= end && end - position <= 64n
                if (position >= end || markersOnly) state.done = true
              }
              progress()
              checkDone()
            }),
        })
        break
      } catch (error) {
        // A consumer that lost the broker for longer than its retries: start a fresh one from the
        // sink's own positions (records it already holds are skipped), a few times before giving up.
        if (
          controller.signal.aborted ||
          attempt >= RUN_ATTEMPTS ||
          !isDipError(error) ||
          error.code !== 'DIP_KAFKA'
        )
          throw error
        reporter.warn(`${error.message}; reconnecting (attempt ${attempt + 1} of ${RUN_ATTEMPTS})`)
        await source.close().catch(() => undefined)
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt))
        source = newSource()
      }
    }
  } catch (error) {
    failure = error
  } finally {
    if (timer !== undefined) clearInterval(timer)
    deps.signal.removeEventListener('abort', stop)
  }
  try {
    // Whatever was read is consistent: flush it, so a failed run keeps its progress.
    await serialized(() => sink.flushAll())
    await committing
    await commit()
  } finally {
    await encoder.close()
    if (errorEncoder !== encoder) await errorEncoder.close()
    await committer.close().catch(() => undefined)
    await source.close().catch(() => undefined)
  }
  if (failure !== undefined) {
    spinner.fail('lake sink stopped on an error; everything read so far is in the lake')
    throw failure
  }
  const summary = summarize(plan, feeds, sink.stats(), startedAt, false)
  spinner.succeed(
    `${summary.records.toLocaleString('en-US')} records, ${summary.errors} error(s), ${summary.files} file(s), ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(1)} s`,
  )
  return summary
}

function summarize(
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

export interface ConsumeLakeFlags {
  readonly batch?: boolean
  readonly topics?: readonly string[]
  readonly format?: 'jsonl' | 'parquet'
  readonly lakeRoot?: string
  readonly timeZone?: string
  readonly maxFileRecords?: number
  readonly maxFileMb?: number
  readonly idleFlush?: number
  readonly group?: string
  readonly commit?: boolean
}

export async function runConsumeLake(global: GlobalOptions, flags: ConsumeLakeFlags): Promise<LakeSummary> {
  const overrides: Record<string, unknown> = {}
  const lake: Record<string, unknown> = {}
  if (flags.lakeRoot !== undefined) lake['root'] = flags.lakeRoot
  if (flags.format !== undefined) lake['format'] = flags.format
  if (flags.timeZone !== undefined) lake['timeZone'] = flags.timeZone
  if (Object.keys(lake).length > 0) overrides['lake'] = lake
  const { loaded, reporter } = createContext(global, overrides)
  const { config } = loaded
  try {
    assertTimeZone(config.lake.timeZone)
  } catch (error) {
    throw usageError(
      `lake time zone: ${(error as Error).message}`,
      'use an IANA name such as UTC or Europe/Paris',
    )
  }
  if (flags.topics !== undefined && flags.topics.length === 0)
    throw usageError('--topics is empty.', 'name at least one topic: --topics transaction_log,S1')
  const plan: LakePlan = {
    root: loaded.lakeRoot,
    mode: flags.batch === true ? 'batch' : 'streaming',
    format: config.lake.format,
    topics: flags.topics,
    timeZone: config.lake.timeZone,
    maxFileRecords: flags.maxFileRecords ?? 50_000,
    maxFileBytes: (flags.maxFileMb ?? 64) * 1024 * 1024,
    idleFlushMs: flags.idleFlush ?? 5000,
    maxWindowAgeMs: Math.max(60_000, flags.idleFlush ?? 0),
    groupId: flags.group ?? 'dip-lake',
    commit: flags.commit ?? true,
  }
  const { createKafka, createKsql } = await import('../cli/create-deps.ts')
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  try {
    const summary = await consumeLake(plan, {
      kafka: await createKafka(config),
      ksql: await createKsql(config),
      configFeeds: config.feeds,
      reporter,
      signal: controller.signal,
    })
    reporter.result(summary)
    if (!reporter.json && !summary.upToDate)
      reporter.table(
        summary.topics.map((t) => [
          t.topic,
          t.area,
          t.records,
          t.deleted,
          t.errors,
          t.files,
          formatBytes(t.bytes),
        ]),
        { header: ['topic', 'area', 'records', 'deleted', 'errors', 'files', 'bytes'] },
      )
    return summary
  } finally {
    release()
  }
}
