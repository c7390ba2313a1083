import { batchChoice, type BatchRunner } from '../beam/runner-choice.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import { assertTimeZone } from '../lake/partition-path.ts'
import { usageError } from '../shared/errors.ts'
import { LAKE_DEFAULTS } from './lake-job.ts'
import type { LakePlan } from './lake-job-types.ts'

/** `dip consume lake`'s options, after parsing (lake.root/format/timeZone go into the config). */
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

/** The flags that override config keys: lake.root, lake.format, lake.timeZone. */
export function lakeConfigOverrides(flags: ConsumeLakeFlags): Record<string, unknown> {
  const lake: Record<string, unknown> = {}
  if (flags.lakeRoot !== undefined) lake['root'] = flags.lakeRoot
  if (flags.format !== undefined) lake['format'] = flags.format
  if (flags.timeZone !== undefined) lake['timeZone'] = flags.timeZone
  return Object.keys(lake).length > 0 ? { lake } : {}
}

/** Flags + config → the lake job's plan; a flag combination that cannot run is a usage error. */
export function planConsumeLake(flags: ConsumeLakeFlags, loaded: LoadedConfig): LakePlan {
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
  if (flags.flinkMaster !== undefined && flags.batch !== true)
    throw usageError(
      '--flink-master applies to batch runs only.',
      'add --batch --runner flink, or drop --flink-master to stream',
    )
  // Without --runner, the config's beam.runner; --flink-master without flink is refused there.
  const choice = batchChoice(flags, { ...config.beam, stateDir: loaded.stateDir })
  if (flags.topics !== undefined && flags.topics.length === 0)
    throw usageError('--topics is empty.', 'name at least one topic: --topics transaction_log,S1')
  return {
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
    runner: choice.runner,
    ...(choice.beam === undefined ? {} : { beam: choice.beam }),
  }
}
