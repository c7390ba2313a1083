import type { LoadedConfig } from '../config/load-config.ts'
import type { Reporter } from '../app/reporter.ts'
import { acquireLakeLock } from '../lake/lake-lock.ts'
import { recoverTopic } from '../lake/lake-position.ts'
import { DipError, usageError } from '../shared/errors.ts'
import { resolveFeeds, type Feed } from '../sinks/feeds.ts'
import { emptyReport } from '../beam/pipeline-report.ts'
import { batchChoice, DIRECT, runnerLabel, type BatchRunner } from '../beam/runner-choice.ts'
import { sinkFeeds, summarize } from './lake-job-run.ts'
import type {
  ConsumeLakeDeps,
  LakeBatchSummary,
  LakePlan,
  LakeSummary,
  PartitionState,
} from './lake-job-types.ts'

export type {
  ConsumeLakeDeps,
  LakeBatchSummary,
  LakePlan,
  LakeSummary,
  LakeTopicSummary,
} from './lake-job-types.ts'

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
export function batchLakePlan(
  loaded: LoadedConfig,
  flags: { readonly runner?: BatchRunner; readonly flinkMaster?: string } = {},
): LakePlan {
  const { lake, beam } = loaded.config
  const choice = batchChoice(flags, { ...beam, stateDir: loaded.stateDir })
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
    runner: choice.runner,
    ...(choice.beam === undefined ? {} : { beam: choice.beam }),
  }
}
