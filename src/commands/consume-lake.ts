import { createContext, type GlobalOptions } from '../app/context.ts'
import { reportBrokerOutages } from '../kafka/broker-watch.ts'
import { assertTimeZone } from '../lake/partition-path.ts'
import { usageError } from '../shared/errors.ts'
import { formatBytes } from '../shared/format-bytes.ts'
import { beamTarget, type BatchRunner } from '../beam/runner-choice.ts'
import { consumeLake, LAKE_DEFAULTS } from '../consume/lake-job.ts'
import type { LakeBatchSummary, LakePlan, LakeSummary } from '../consume/lake-job-types.ts'
import { printStages } from '../consume/print-stages.ts'
import { onStopSignals } from '../app/stop-signals.ts'

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
  const { createKafka, createKsql } = await import('../app/create-deps.ts')
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
