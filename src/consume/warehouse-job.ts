import { reportBrokerOutages } from '../kafka/broker-watch.ts'
import type { Reporter } from '../app/reporter.ts'
import type { DipConfig } from '../config/config-schema.ts'
import { BATCH_FETCH_WAIT_MS, type KafkaPorts } from '../kafka/ports.ts'
import type { PipelineReport } from '../beam/pipeline-report.ts'
import { batchChoice, runnerTitle, type BatchRunner } from '../beam/runner-choice.ts'
import type { KsqlClient, SourceSchema } from '../ksql-client/index.ts'
import { connectMysql } from '../mysql/connect.ts'
import type { MysqlPool } from '../mysql/mysql-port.ts'
import { resolveFeeds, warningsFor, type ResolvedFeeds } from '../sinks/feeds.ts'
import { createStreamProgress, groupLag } from '../sinks/stream-progress.ts'
import { STREAM_PROGRESS_MS } from './lake-job-types.ts'
import { printStages } from './print-stages.ts'
import { DipError, errorMessage, isDipError } from '../shared/errors.ts'
import { ensureBookkeepingTables } from '../warehouse/bookkeeping.ts'
import { classifyMysqlError } from '../warehouse/classify-mysql-error.ts'
import { prepareTables } from '../warehouse/prepare-tables.ts'
import {
  createReconnectingSession,
  DEFAULT_RETRY,
  type RetryPolicy,
} from '../warehouse/reconnecting-session.ts'
import {
  runWarehouseSink,
  type RunWarehouseOptions,
  type WarehouseSummary,
} from '../warehouse/run-warehouse-sink.ts'
import type { TableFailure } from '../warehouse/table-failure.ts'
import { connectFromPool } from '../warehouse/warehouse-connection.ts'
import { sleep } from '../shared/sleep.ts'

export interface ConsumeWarehouseOptions {
  /** Read up to the end offsets seen at start, write, stop. Otherwise stream until SIGINT/SIGTERM. */
  readonly batch?: boolean
  /** Create missing tables / columns from the ksqlDB schema. */
  readonly autoCreate?: boolean
  /** Only these topics (ksqlDB tables or table feeds). */
  readonly topics?: readonly string[]
  /** Name of this sink in dip_offsets / dip_rejects; the consumer group is `dip-<name>`. */
  readonly consumer?: string
  /**
   * Kafka consumer group; default `dip-<consumer>`. Only for lag monitoring and (streaming) partition
   * assignment: a batch run reads with a group of its own and commits to this one at the end.
   */
  readonly group?: string
  readonly maxRows?: number
  /** Records per MySQL transaction; each transaction stores its rows and its dip_offsets position. */
  readonly recordsPerWrite?: number
  /** Give up after MySQL stayed unreachable this long. */
  readonly retryForMs?: number
  /** Streaming: a progress line (records, rate, lag) this often; default STREAM_PROGRESS_MS. */
  readonly progressEveryMs?: number
  /** Batch: the runner (default: config beam.runner, itself direct by default). */
  readonly runner?: BatchRunner
  /** --runner flink: [local] or host:port of a Flink JobManager (default: config beam.flinkMaster). */
  readonly flinkMaster?: string
}

export interface ConsumeWarehouseTableResult {
  readonly table: string
  readonly topic: string
  readonly records: number
  readonly upserted: number
  readonly deleted: number
  readonly rejected: number
}

export interface ConsumeWarehouseResult extends Partial<PipelineReport> {
  readonly mode: 'batch' | 'stream'
  readonly consumer: string
  readonly tables: readonly ConsumeWarehouseTableResult[]
  readonly records: number
  readonly durationMs: number
  readonly recordsPerSecond: number
  readonly upToDate: boolean
  readonly created: readonly string[]
  /**
   * Tables that could not be written, each with the error and the fix. The other tables were
   * written; these keep their position, so the next run after the fix writes their records.
   */
  readonly failed: readonly TableFailure[]
}

export interface ConsumeWarehouseDeps {
  readonly config: DipConfig
  readonly reporter: Reporter
  readonly signal: AbortSignal
  /** Kafka, with a client id of the warehouse's own (see createKafka). */
  readonly kafka: KafkaPorts
  readonly ksql: KsqlClient
  readonly connect?: (config: DipConfig['mysql']) => Promise<MysqlPool>
  /** The resolved state dir (the Flink job server's log goes under it); default config.stateDir. */
  readonly stateDir?: string
}

const DEFAULT_CONSUMER = 'warehouse'

export async function runConsumeWarehouse(
  options: ConsumeWarehouseOptions,
  deps: ConsumeWarehouseDeps,
): Promise<ConsumeWarehouseResult> {
  const { config, reporter } = deps
  const started = Date.now()
  const mode = options.batch === true ? 'batch' : 'stream'
  if (options.runner !== undefined && mode !== 'batch')
    throw new DipError('DIP_USAGE', '--runner applies to batch runs only.', {
      hint: 'add --batch, or drop --runner to stream',
    })
  if (options.flinkMaster !== undefined && mode !== 'batch')
    throw new DipError('DIP_USAGE', '--flink-master applies to batch runs only.', {
      hint: 'add --batch --runner flink, or drop --flink-master to stream',
    })
  const target =
    mode === 'batch'
      ? batchChoice(options, { ...config.beam, stateDir: deps.stateDir ?? config.stateDir }).beam
      : undefined
  const consumer = options.consumer ?? DEFAULT_CONSUMER
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY,
    giveUpAfterMs: options.retryForMs ?? DEFAULT_RETRY.giveUpAfterMs,
  }
  const { kafka, ksql } = deps

  const spinner = reporter.spinner('Finding ksqlDB tables')
  const resolved = await resolveFeeds({ topics: options.topics, configFeeds: config.feeds, ksql })
    .then(async (found) => (found.ksqlReachable ? preferTables(ksql, found) : found))
    .catch((error: unknown) => {
      spinner.fail()
      throw error
    })
  const streams = resolved.feeds.filter((feed) => feed.origin === 'ksql' && feed.kind === 'stream')
  if (options.topics !== undefined && streams.length > 0) {
    spinner.fail()
    throw new DipError(
      'DIP_USAGE',
      `--topics names ksqlDB stream(s), not tables: ${streams.map((f) => `${f.topic} (${f.schema?.name ?? ''})`).join(', ')}.`,
      {
        hint: 'The warehouse upserts tables; streams go to the lake (`dip consume lake`).',
      },
    )
  }
  // Topics named by --topics without a ksqlDB schema are read as tables: a null value deletes the row.
  const feeds = resolved.feeds
    .filter((feed) => feed.kind === 'table' || feed.origin === 'flag')
    .map((feed) => ({ ...feed, kind: 'table' as const }))
  // Only what concerns the tables written here: the lake prints the notes about stream topics.
  for (const warning of warningsFor(
    resolved.warnings,
    feeds.map((feed) => feed.topic),
  ))
    reporter.warn(warning)
  if (feeds.length === 0) {
    spinner.stop()
    throw new DipError(
      'DIP_USAGE',
      'There is no ksqlDB table (and no table feed in the config) to sink into MySQL.',
      {
        hint: 'Apply the ksqlDB statements (`dip ksql apply`), add a feed of kind table to the config, or pass --topics.',
      },
    )
  }
  const admin = kafka.admin()
  try {
    const existing = new Set(await admin.listTopics())
    const unknown = feeds.filter((feed) => !existing.has(feed.topic)).map((feed) => feed.topic)
    if (unknown.length > 0) {
      spinner.fail()
      throw new DipError('DIP_USAGE', `Unknown topic(s): ${unknown.join(', ')}.`, {
        hint: 'Check the names with `dip ksql status` (topics and tables); a CTAS creates its topic when it is applied.',
        details: { unknownTopics: unknown },
      })
    }
    spinner.update('Connecting to MySQL')
    const pool = await connectWithRetry(deps, retry)
    const session = createReconnectingSession(connectFromPool(pool), {
      retry,
      signal: deps.signal,
      onRetry: ({ attempt, delayMs, error }) =>
        reporter.warn(`MySQL unavailable (${errorMessage(error)}); retry ${attempt} in ${delayMs} ms`),
    })
    try {
      const prepared = await session.run(async (connection) => {
        await ensureBookkeepingTables(connection)
        return prepareTables(connection, {
          database: config.mysql.database,
          feeds,
          configFeeds: config.feeds,
          autoCreate: options.autoCreate === true,
        })
      })
      for (const ddl of prepared.created) reporter.info(`created: ${ddl.split('\n')[0] ?? ddl}`)
      for (const failure of prepared.failed) reportFailure(reporter, failure, 'not read this run')
      spinner.update(
        mode === 'batch' ? 'Writing new records to MySQL' : 'Streaming records into MySQL (Ctrl-C to stop)',
      )
      const group = options.group ?? `dip-${consumer}`
      const sinkOptions: RunWarehouseOptions = {
        consumer,
        mode,
        tables: prepared.tables,
        ...(options.maxRows === undefined ? {} : { maxRowsPerStatement: options.maxRows }),
        ...(options.recordsPerWrite === undefined ? {} : { recordsPerWrite: options.recordsPerWrite }),
      }
      // Streaming: a line every so often even without a terminal, and word of a broker outage. The
      // lag counts from the positions written to MySQL in this run, else from the group's commits.
      let written = 0
      const positions = new Map<string, bigint>()
      const streamProgress =
        mode === 'stream'
          ? createStreamProgress({
              label: 'warehouse',
              everyMs: options.progressEveryMs ?? STREAM_PROGRESS_MS,
              records: () => written,
              lag: () =>
                groupLag(
                  admin,
                  group,
                  feeds.map((feed) => feed.topic),
                  (topic, partition) => positions.get(`${topic}:${partition}`),
                ),
              print: (line) => reporter.progress(line),
              warn: (line) => reporter.warn(line),
            })
          : undefined
      const progressTimer =
        streamProgress === undefined
          ? undefined
          : setInterval(() => void streamProgress.tick().catch(() => undefined), 1000)
      // A stream runs for hours: a broker restart is announced, and ridden out (runWarehouseSink).
      const outages =
        mode === 'stream'
          ? reportBrokerOutages(config.kafka.brokers, (message) => reporter.warn(message))
          : undefined
      let summary: WarehouseSummary
      let pipeline: PipelineReport | undefined
      if (target !== undefined) {
        // A Beam pipeline; positions live in dip_offsets, so its readers use groups of their own
        // (no wait for a killed run's member to time out) and the group's offsets are committed
        // at the end without joining it.
        const groupCommitter = kafka.source({ groupId: group })
        try {
          const { runWarehouseBatchOnBeam } = await import('../beam/warehouse-pipeline.ts')
          const result = await runWarehouseBatchOnBeam(sinkOptions, {
            kafka,
            admin,
            groupId: group,
            groupCommitter,
            session,
            signal: deps.signal,
            onProgress: ({ read, written }) =>
              spinner.update(`${runnerTitle(target)}: ${read} records read, ${written} written to MySQL`),
            onWarning: (message) => reporter.warn(message),
            onPhase: (phase) => spinner.update(`${runnerTitle(target)}: ${phase}`),
            target,
          })
          summary = result
          pipeline = {
            runner: result.runner,
            recordsIn: result.recordsIn,
            recordsOut: result.recordsOut,
            deadLetters: result.deadLetters,
            stages: result.stages,
          }
        } catch (error) {
          spinner.fail()
          throw error
        } finally {
          await groupCommitter.close().catch(() => undefined)
        }
      } else {
        // dip's own loop: a batch run reads with a group of its own and commits the group's
        // offsets at the end without joining it; a stream stays a member.
        const source =
          mode === 'batch'
            ? kafka.source({
                groupId: `${group}-${process.pid}-${Date.now().toString(36)}`,
                fromBeginning: true,
                maxWaitMs: BATCH_FETCH_WAIT_MS,
              })
            : kafka.source({ groupId: group, fromBeginning: true })
        const groupCommitter = mode === 'batch' ? kafka.source({ groupId: group }) : undefined
        try {
          summary = await runWarehouseSink(sinkOptions, {
            admin,
            source,
            ...(groupCommitter === undefined ? {} : { groupCommitter }),
            session,
            signal: deps.signal,
            onBatch: ({ records, position }) => {
              written = records
              positions.set(`${position.topic}:${position.partition}`, position.offset)
              spinner.update(`${records} records written to MySQL`)
            },
            onWarning: (message) => reporter.warn(message),
          })
        } catch (error) {
          spinner.fail()
          throw error
        } finally {
          if (progressTimer !== undefined) clearInterval(progressTimer)
          outages?.stop()
          streamProgress?.stop()
          await source.close().catch(() => undefined)
          await groupCommitter?.close().catch(() => undefined)
        }
      }
      const durationMs = Date.now() - started
      const tables = prepared.tables.map(({ table }) => ({
        table: table.table,
        topic: table.topic,
        ...(summary.tables.get(table.table) ?? { records: 0, upserted: 0, deleted: 0, rejected: 0 }),
      }))
      const failed = [...prepared.failed, ...summary.failed]
      const result: ConsumeWarehouseResult = {
        mode,
        consumer,
        tables,
        records: summary.records,
        durationMs,
        recordsPerSecond: durationMs > 0 ? Math.round((summary.records * 1000) / durationMs) : 0,
        upToDate: summary.upToDate,
        created: prepared.created,
        failed,
        ...pipeline,
      }
      if (failed.length > 0)
        spinner.fail(
          `${summary.records} records → MySQL in ${(durationMs / 1000).toFixed(1)} s; ${failed.length} table(s) failed`,
        )
      else if (summary.upToDate) spinner.succeed('MySQL is up to date: no new records, nothing written')
      else spinner.succeed(`${summary.records} records → MySQL in ${(durationMs / 1000).toFixed(1)} s`)
      printSummary(reporter, result)
      if (pipeline !== undefined && !summary.upToDate && !reporter.json) {
        printStages(reporter, pipeline)
      }
      return result
    } finally {
      await session.close()
      await pool.end().catch(() => undefined)
    }
  } finally {
    await admin.close().catch(() => undefined)
  }
}

/**
 * A topic read by both a ksqlDB stream and a table (a SOURCE TABLE over a re-keyed stream, lab
 * exercise 12) is sunk as the table: the feed list keeps one schema per topic, the stream's.
 */
async function preferTables(ksql: KsqlClient, found: ResolvedFeeds): Promise<ResolvedFeeds> {
  const streamTopics = new Set(
    found.feeds.filter((feed) => feed.origin === 'ksql' && feed.kind === 'stream').map((feed) => feed.topic),
  )
  if (streamTopics.size === 0) return found
  const schemas = new Map<string, SourceSchema>()
  for (const source of await ksql.listSources()) {
    if (source.type !== 'TABLE' || !streamTopics.has(source.topic) || schemas.has(source.topic)) continue
    schemas.set(source.topic, await ksql.describe(source.name))
  }
  if (schemas.size === 0) return found
  return {
    ...found,
    feeds: found.feeds.map((feed) => {
      const schema = schemas.get(feed.topic)
      return schema === undefined || feed.origin !== 'ksql'
        ? feed
        : { ...feed, kind: 'table' as const, schema }
    }),
    warnings: found.warnings.filter((warning) => warning.topic === null || !schemas.has(warning.topic)),
  }
}

async function connectWithRetry(deps: ConsumeWarehouseDeps, retry: RetryPolicy): Promise<MysqlPool> {
  const connect = deps.connect ?? ((mysql: DipConfig['mysql']) => connectMysql(mysql))
  const startedAt = Date.now()
  let delayMs = retry.initialDelayMs
  for (;;) {
    try {
      return await connect(deps.config.mysql)
    } catch (error) {
      const cause = isDipError(error) ? error.cause : error
      if (
        classifyMysqlError(cause) !== 'connection' ||
        Date.now() - startedAt >= retry.giveUpAfterMs ||
        deps.signal.aborted
      )
        throw error
      deps.reporter.warn(`${errorMessage(error)}; retrying in ${delayMs} ms`)
      await sleep(delayMs)
      delayMs = Math.min(retry.maxDelayMs, delayMs * 2)
    }
  }
}

/** A table that cannot be written: what happened, what to do, and that its records wait. */
function reportFailure(reporter: Reporter, failure: TableFailure, what: string): void {
  reporter.warn(
    `table ${failure.table} (topic ${failure.topic}) ${what}: ${failure.error}\n  fix: ${failure.fix}\n` +
      '  its records stay in Kafka (dip_offsets did not move); the other tables are written.',
  )
}

function printSummary(reporter: Reporter, result: ConsumeWarehouseResult): void {
  if (result.tables.length === 0) return
  reporter.table(
    result.tables.map((t) => [t.table, t.topic, t.records, t.upserted, t.deleted, t.rejected]),
    { header: ['table', 'topic', 'records', 'upserted', 'deleted', 'rejected'] },
  )
  const rejected = result.tables.reduce((sum, t) => sum + t.rejected, 0)
  if (rejected > 0)
    reporter.warn(
      `${rejected} record(s) rejected: see the dip_rejects table (consumer = '${result.consumer}')`,
    )
  if (!result.upToDate)
    reporter.info(
      `${result.records} records in ${(result.durationMs / 1000).toFixed(1)} s (${result.recordsPerSecond} records/s)`,
    )
}
