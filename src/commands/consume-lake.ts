import { createContext, type GlobalOptions } from '../cli/context.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import { reportBrokerOutages } from '../kafka/broker-watch.ts'
import type { Reporter } from '../cli/reporter.ts'
import { acquireLakeLock } from '../lake/lake-lock.ts'
import { recoverTopic } from '../lake/lake-position.ts'
import { assertTimeZone } from '../lake/partition-path.ts'
import { DipError, usageError } from '../shared/errors.ts'
import { resolveFeeds, type Feed } from '../sinks/feeds.ts'
import { emptyReport, type PipelineReport } from '../beam/pipeline-report.ts'
import { beamTarget, DIRECT, runnerLabel, type BatchRunner } from '../beam/runner-choice.ts'
import { sinkFeeds, summarize } from './consume-lake-run.ts'
import type {
  ConsumeLakeDeps,
  LakeBatchSummary,
  LakePlan,
  LakeSummary,
  PartitionState,
} from './consume-lake-types.ts'
import { formatBytes } from './produce.ts'
import { onStopSignals } from './stop-signals.ts'

export type {
  ConsumeLakeDeps,
  LakeBatchSummary,
  LakePlan,
  LakeSummary,
  LakeTopicSummary,
} from './consume-lake-types.ts'

/**
 * `dip consume lake`: Kafka topics → date-partitioned lake files, exactly once. The position of
 * every partition is read back from the lake's file names before reading (after discarding what a
 * crash left half-written), and records before it are skipped, so a restart neither loses nor
 * repeats an offset.
 */
export async function consumeLake(
  plan: LakePlan,
  deps: ConsumeLakeDeps,
): Promise<LakeSummary | LakeBatchSummary> {
  const { kafka, reporter } = deps
  const startedAt = Date.now()
  const resolved = await resolveFeeds({ topics: plan.topics, configFeeds: deps.configFeeds, ksql: deps.ksql })
  for (const warning of resolved.warnings) reporter.warn(warning.message)

  const admin = kafka.admin()
  let feeds: Feed[]
  const states: PartitionState[] = []
  const lock = await acquireLakeLock(plan.root)
  try {
    try {
      feeds = await existingFeeds(
        resolved.feeds,
        await admin.listTopics(),
        reporter,
        plan.topics !== undefined,
      )
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
      return plan.runner === 'dip'
        ? summary
        : { ...summary, ...emptyReport(runnerLabel(plan.beam ?? DIRECT)) }
    }
    if (plan.mode === 'batch' && plan.runner !== 'dip') {
      const { runLakeBatchOnBeam } = await import('../beam/lake-pipeline.ts')
      return await runLakeBatchOnBeam(plan, deps, feeds, states, startedAt)
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
  explicit: boolean,
): Promise<Feed[]> {
  const known = new Set(topics)
  const missing = feeds.filter((feed) => !known.has(feed.topic))
  // Topics named with --topics must exist; discovered ones may not have a topic yet.
  const named = explicit ? missing : []
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

/** The lake job's defaults, shared by `dip consume lake`, `dip orchestrate` and `dip lab`. */
export const LAKE_DEFAULTS = {
  maxFileRecords: 50_000,
  maxFileMb: 64,
  idleFlushMs: 5000,
  maxWindowAgeMs: 60_000,
  groupId: 'dip-lake',
} as const

/** The batch job over every discovered feed with the config's lake settings and the defaults above. */
export function batchLakePlan(loaded: LoadedConfig): LakePlan {
  const { lake } = loaded.config
  return {
    root: loaded.lakeRoot,
    mode: 'batch',
    format: lake.format,
    topics: undefined,
    timeZone: lake.timeZone,
    maxFileRecords: LAKE_DEFAULTS.maxFileRecords,
    maxFileBytes: LAKE_DEFAULTS.maxFileMb * 1024 * 1024,
    idleFlushMs: LAKE_DEFAULTS.idleFlushMs,
    maxWindowAgeMs: LAKE_DEFAULTS.maxWindowAgeMs,
    groupId: LAKE_DEFAULTS.groupId,
    commit: true,
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
  readonly progressEvery?: number
  readonly runner?: BatchRunner
  readonly flinkMaster?: string
}

export async function runConsumeLake(
  global: GlobalOptions,
  flags: ConsumeLakeFlags,
): Promise<LakeSummary | LakeBatchSummary> {
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
  if (flags.runner !== undefined && flags.batch !== true)
    throw usageError('--runner applies to batch runs only.', 'add --batch, or drop --runner to stream')
  if (flags.flinkMaster !== undefined && flags.runner !== 'flink')
    throw usageError('--flink-master applies to --runner flink only.', 'add --runner flink')
  const runner = flags.runner ?? 'direct'
  if (flags.topics !== undefined && flags.topics.length === 0)
    throw usageError('--topics is empty.', 'name at least one topic: --topics transaction_log,S1')
  const plan: LakePlan = {
    root: loaded.lakeRoot,
    mode: flags.batch === true ? 'batch' : 'streaming',
    format: config.lake.format,
    topics: flags.topics,
    timeZone: config.lake.timeZone,
    maxFileRecords: flags.maxFileRecords ?? LAKE_DEFAULTS.maxFileRecords,
    maxFileBytes: (flags.maxFileMb ?? LAKE_DEFAULTS.maxFileMb) * 1024 * 1024,
    idleFlushMs: flags.idleFlush ?? LAKE_DEFAULTS.idleFlushMs,
    maxWindowAgeMs: Math.max(LAKE_DEFAULTS.maxWindowAgeMs, flags.idleFlush ?? 0),
    groupId: flags.group ?? LAKE_DEFAULTS.groupId,
    commit: flags.commit ?? true,
    ...(flags.progressEvery === undefined ? {} : { progressEveryMs: flags.progressEvery }),
    runner,
    ...(runner === 'dip'
      ? {}
      : {
          beam: beamTarget(runner, {
            flinkMaster: flags.flinkMaster ?? config.beam.flinkMaster,
            stateDir: loaded.stateDir,
          }),
        }),
  }
  const { createKafka, createKsql } = await import('../cli/create-deps.ts')
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  // A streaming sink runs for hours: a broker restart is announced, and ridden out (see sinkFeeds).
  const outages =
    plan.mode === 'streaming'
      ? reportBrokerOutages(config.kafka.brokers, (message) => reporter.warn(message))
      : undefined
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
    if (!reporter.json && !summary.upToDate && 'stages' in summary) printStages(reporter, summary)
    return summary
  } finally {
    outages?.stop()
    release()
  }
}

/** The Beam pipeline's steps: elements in and out and each step's own time. */
export function printStages(reporter: Reporter, report: PipelineReport): void {
  reporter.table(
    report.stages.map((s) => [s.stage, s.in, s.out, `${s.seconds.toFixed(2)} s`]),
    { header: [`${report.runner} stage`, 'in', 'out', 'own time'] },
  )
}
