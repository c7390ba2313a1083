import type {
  EngineErrorKind,
  KeyFormat,
  LiveRows,
  OffsetRecord,
  ProcessingLogEntry,
  QueryInfo,
} from '../engine-api.ts'
import { EngineError } from '../engine-error.ts'
import { checkTopicName } from '../analyzer/topic-name.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import type { Metastore } from '../metastore/metastore.ts'
import type { ExecutionPlan } from '../planner/execution-plan.ts'
import type { InMemoryTopics, StoredRecord } from '../runtime/in-memory-topics.ts'
import type { OperatorContext } from '../runtime/operators/operator.ts'
import type { ProcessingLog } from '../runtime/processing-log.ts'
import { processingLogRecordValue, type ProcessingLogSettings } from '../runtime/processing-log-record.ts'

export interface RunningQuery {
  /** Replaced (not mutated) when the query fails: callers may hold the previous snapshot. */
  info: QueryInfo
  readonly plan: ExecutionPlan
  stop: () => void
  /** Runs one record through this query only (a backfill); errors go to the processing log. */
  feed: (record: StoredRecord) => void
  /** Created with auto.offset.reset=latest: it saw only what arrived after it. */
  readonly fromLatest: boolean
}

/** A query started from 'earliest' on a topic whose older records the engine no longer holds. */
export interface PendingBackfill {
  readonly queryId: string
  readonly topic: string
}

/** State a batch of statements runs against: the real one, or a sandbox copy for validation. */
export interface ExecutionState {
  readonly metastore: Metastore
  readonly queries: Map<string, RunningQuery>
  commandSeq: number
  readonly dryRun: boolean
  /** Topics created by the sandbox (→ partitions), so later statements of the same batch can see them. */
  readonly sandboxTopics: Map<string, number>
}

/** Request-scoped settings: SET/DEFINE affect only the rest of one execute() call. */
export interface RequestScope {
  readonly properties: Map<string, string>
  readonly variables: Map<string, string>
  readonly live?: LiveRows | undefined
  readonly history?: ReadonlyMap<string, readonly OffsetRecord[]> | undefined
}

/**
 * What every statement handler works with: the engine's long-lived parts, passed explicitly so each
 * statement kind lives in its own module.
 */
export interface EngineContext {
  readonly functions: FunctionRegistry
  readonly serverProperties: ReadonlyMap<string, string>
  readonly topics: InMemoryTopics
  readonly log: ProcessingLog
  readonly backfills: PendingBackfill[]
  readonly warnings: string[]
  readonly processingLog: ProcessingLogSettings
  readonly processingLogListeners: Set<(entry: ProcessingLogEntry) => void>
  /** With retainRecords: a table's topic keeps its newest record per key. */
  readonly tablesLatestPerKey: boolean
  /** The real state (a sandbox copies it). */
  readonly state: ExecutionState
  /** Queries deaf to the record being appended (produceMuted). */
  muted: ReadonlySet<string>
}

export const NO_QUERIES: ReadonlySet<string> = new Set()

/** A copy of `s` that statements can change without touching the real state. */
export function sandboxOf(s: ExecutionState): ExecutionState {
  return {
    metastore: s.metastore.copy(),
    queries: new Map(s.queries),
    commandSeq: s.commandSeq,
    dryRun: true,
    sandboxTopics: new Map(),
  }
}

/**
 * A record a persistent query skipped (or computed NULL for): kept for processingLog(), told to
 * listeners, and written to the processing-log topic as ksqlDB's processing logger would.
 * Transient queries' errors stay out of the topic: a pull query re-reading history would log
 * the same records again on every run.
 */
export function recordError(ctx: EngineContext, entry: ProcessingLogEntry): void {
  ctx.log.record(entry)
  if (entry.queryId === 'transient') return
  for (const listener of ctx.processingLogListeners) listener(entry)
  const settings = ctx.processingLog
  if (settings.topicAutoCreate && ctx.topics.has(settings.topic))
    ctx.topics.append({
      topic: settings.topic,
      partition: 0,
      key: null,
      value: Buffer.from(processingLogRecordValue(entry, Date.now(), settings.rowsInclude)),
      timestamp: Date.now(),
    })
}

export function property(ctx: EngineContext, scope: RequestScope, name: string): string | undefined {
  const bare = name.replace(/^ksql\.streams\./, '')
  return (
    scope.properties.get(name) ??
    scope.properties.get(bare) ??
    scope.properties.get(`ksql.streams.${bare}`) ??
    ctx.serverProperties.get(name) ??
    ctx.serverProperties.get(bare)
  )
}

export function wrapOption(ctx: EngineContext, scope: RequestScope): { wrapSingleValues?: boolean } {
  const raw = property(ctx, scope, 'ksql.persistence.wrap.single.values')
  return raw === undefined ? {} : { wrapSingleValues: raw !== 'false' }
}

export function fail(kind: EngineErrorKind, message: string, statementText: string): never {
  throw new EngineError({ kind, message, statementText })
}

export function topicExists(ctx: EngineContext, s: ExecutionState, name: string): boolean {
  return ctx.topics.has(name) || s.sandboxTopics.has(name)
}

export function ensureTopic(ctx: EngineContext, s: ExecutionState, name: string, partitions: number): void {
  checkTopicName(name)
  if (s.dryRun) s.sandboxTopics.set(name, partitions)
  else ctx.topics.create(name, partitions)
}

export function keepTableLatest(ctx: EngineContext, s: ExecutionState, topic: string): void {
  if (ctx.tablesLatestPerKey && !s.dryRun) ctx.topics.keepLatestPerKey(topic)
}

export function partitionsOf(ctx: EngineContext): (topic: string) => number | undefined {
  return (topic) => ctx.topics.partitions(topic)
}

export function operatorContext(ctx: EngineContext, queryId: string, topic: string): OperatorContext {
  return {
    queryId,
    functions: ctx.functions,
    logError: (message, row, unreadable) =>
      recordError(ctx, {
        queryId,
        topic,
        partition: row?.partition ?? -1,
        offset: row?.offset ?? -1,
        message,
        ...(unreadable === undefined
          ? { kind: 'processing' }
          : { kind: 'deserialization', target: unreadable.target, record: unreadable.bytes }),
      }),
  }
}

export function stopQuery(id: string, s: ExecutionState): void {
  const q = s.queries.get(id)
  if (q === undefined) return
  if (!s.dryRun) q.stop()
  s.queries.delete(id)
}

export function queryIdFor(
  prefix: string,
  sink: string | null,
  s: ExecutionState,
  props: Readonly<Record<string, unknown>>,
): string {
  const explicit = props.QUERY_ID
  if (explicit !== undefined) return String(explicit).toUpperCase()
  return sink === null
    ? `${prefix}_${s.commandSeq}`
    : `${prefix}_${sink.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase()}_${s.commandSeq}`
}

export function defaultKeyFormat(ctx: EngineContext): KeyFormat {
  return (ctx.serverProperties.get('ksql.persistence.default.format.key') ?? 'KAFKA') as KeyFormat
}
