import type { Reporter } from '../app/reporter.ts'
import type { FeedConfig } from '../config/config-schema.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import type { Feed } from '../sinks/feeds.ts'
import type { PipelineReport } from '../beam/pipeline-report.ts'
import type { BatchRunner, BeamTarget } from '../beam/runner-choice.ts'

/** What `dip consume lake` does, resolved from flags and config before any I/O. */
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
  /** Streaming: a progress line (records, rate, lag) this often; default STREAM_PROGRESS_MS. */
  readonly progressEveryMs?: number
  /** Batch mode: the Beam runner the pipeline runs on (default direct). */
  readonly runner?: BatchRunner
  /** Batch mode on Beam: where the pipeline runs (default: the direct runner). */
  readonly beam?: BeamTarget
}

/** How often a streaming sink prints its progress line unless told otherwise. */
export const STREAM_PROGRESS_MS = 30_000

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

/** A batch run's summary: the lake figures and the Beam pipeline's (runner, records, stages). */
export type LakeBatchSummary = LakeSummary & PipelineReport

export interface ConsumeLakeDeps {
  readonly kafka: KafkaPorts
  readonly ksql: KsqlClient | null
  readonly configFeeds: readonly FeedConfig[]
  readonly reporter: Reporter
  readonly signal: AbortSignal
}

export interface PartitionState {
  readonly topic: string
  readonly partition: number
  readonly start: bigint
  /** First offset still on the broker. */
  readonly low: bigint
  /** Batch mode: the high watermark captured at start; reading stops there. */
  readonly end: bigint | null
  done: boolean
}
