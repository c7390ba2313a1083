import type {
  EngineOptions,
  EngineRecord,
  ExecuteOptions,
  PreparedRequest,
  PrepareOptions,
  ProcessingLogEntry,
  QueryError,
  RunOptions,
  ServingEngine,
  StatementResult,
} from './engine-api.ts'
import { createFunctionRegistry, functionRegistryOptionsFromProperties } from './functions/index.ts'
import type { FunctionRegistry } from './functions/function-types.ts'
import { Metastore } from './metastore/metastore.ts'
import type { ExecutionPlan } from './planner/execution-plan.ts'
import { InMemoryTopics, type StoredRecord } from './runtime/in-memory-topics.ts'
import { ProcessingLog } from './runtime/processing-log.ts'
import { processingLogSettings, processingLogStreamStatement } from './runtime/processing-log-record.ts'
import {
  NO_QUERIES,
  sandboxOf,
  type EngineContext,
  type PendingBackfill,
} from './statements/engine-context.ts'
import { prepareRequest, runPrepared } from './statements/prepare-request.ts'
import { sourceInfo } from './statements/source-info.ts'

export type { PendingBackfill } from './statements/engine-context.ts'
export { formatSchema, sourceInfo } from './statements/source-info.ts'

export interface EmbeddedEngineOptions extends EngineOptions {
  /** Function library; defaults to the built-in ksqlDB functions. */
  readonly functions?: FunctionRegistry
  /**
   * Records each in-memory topic keeps (its newest) for records() and for queries reading it from
   * 'earliest'; default all (QTT), 0 for none (a benchmark or a long-running server).
   */
  readonly retainRecords?: number
  /** With retainRecords: a table's topic keeps its newest record per key, so pull queries stay whole. */
  readonly tablesLatestPerKey?: boolean
}

const DEFAULT_PROPERTIES: Readonly<Record<string, string>> = {
  'ksql.service.id': 'default_',
  'auto.offset.reset': 'latest',
  'ksql.output.topic.name.prefix': '',
  'ksql.persistence.default.format.key': 'KAFKA',
  'ksql.variable.substitution.enable': 'true',
  'ksql.streams.cache.max.bytes.buffering': '0',
}

/** The engine plus what the embedded implementation exposes beyond the Engine contract. */
export interface EmbeddedEngine extends ServingEngine {
  /** Lint warnings raised while analyzing statements (e.g. grouping by a masked column). */
  warnings(): readonly string[]
  /** The serializable execution plan of a running persistent query. */
  plan(queryId: string): ExecutionPlan | undefined
  /** Per partition, the offset the topic's next record gets: what it received, retained or not. */
  endOffsets(topic: string): readonly number[]
  /**
   * produce() with `queries` deaf to the record and to everything it causes downstream: a restart
   * rebuilding state keeps queries created with 'latest' from seeing what came before them.
   */
  produceMuted(
    record: Omit<EngineRecord, 'partition'> & { readonly partition?: number },
    queries: ReadonlySet<string>,
  ): void
  /** Whether a running query was created with auto.offset.reset=latest. */
  startedFromLatest(queryId: string): boolean
  /** Whether records(topic) still holds every record the topic received (see RunOptions.history). */
  holdsHistory(topic: string): boolean
  /** Calls `listener` with every record appended to any topic from now on, before its queries run. */
  onAppend(listener: (record: EngineRecord) => void): () => void
  /**
   * Queries started from 'earliest' since the last call whose source topic no longer holds all its
   * records: the embedder feeds them the history from where it keeps it (Kafka) with backfill().
   */
  takeBackfills(): PendingBackfill[]
  /** Runs older records of its source topic through one query (not through the other readers). */
  backfill(queryId: string, records: readonly StoredRecord[]): void
  /**
   * A query that can no longer run (its sink or source topic is gone): it stops processing and
   * shows ksqlDB's ERROR state with the error; the others go on. TERMINATE or DROP removes it.
   */
  failQuery(queryId: string, error: Omit<QueryError, 'timestamp'>): void
  /** Calls `listener` with every processing-log entry of a persistent query from now on. */
  onProcessingLog(listener: (entry: ProcessingLogEntry) => void): () => void
  /**
   * Validates a prepared request as executePrepared() would, changing nothing (throws EngineError
   * as it does), and tells which topics executing it would create (→ partitions): the embedder
   * creates them where they must exist (Kafka) before executePrepared(), so a topic the broker
   * refuses fails the statement before any query starts.
   */
  topicsToCreate(request: PreparedRequest): ReadonlyMap<string, number>
}

/** Creates the in-process ksqlDB-compatible engine over in-memory topics. */
export function createEngine(options: EmbeddedEngineOptions = {}): EmbeddedEngine {
  const ctx = createContext(options)
  const { state, topics } = ctx
  const prepare = (sql: string, prepareOptions: PrepareOptions = {}): PreparedRequest =>
    prepareRequest(ctx, sql, prepareOptions)
  const executePrepared = (request: PreparedRequest, runOptions: RunOptions = {}): StatementResult[] => {
    // 1. Validate every statement in a sandbox: nothing runs unless every statement is valid.
    runPrepared(ctx, request, sandboxOf(state), runOptions)
    // 2. Execute for real, the same parsed statements.
    return runPrepared(ctx, request, state, runOptions)
  }
  const execute = (sql: string, executeOptions: ExecuteOptions = {}): StatementResult[] =>
    executePrepared(prepare(sql, executeOptions), {
      ...(executeOptions.live === undefined ? {} : { live: executeOptions.live }),
      ...(executeOptions.history === undefined ? {} : { history: executeOptions.history }),
    })
  createProcessingLogStream(ctx, execute)
  return {
    execute,
    prepare,
    executePrepared,
    onProcessingLog: (listener) => {
      ctx.processingLogListeners.add(listener)
      return () => ctx.processingLogListeners.delete(listener)
    },
    createTopic: (name, partitions) => topics.create(name, partitions ?? 1),
    produce: (record) => {
      topics.append(record)
    },
    produceMuted: (record, queries) => {
      ctx.muted = queries
      try {
        topics.append(record)
      } finally {
        ctx.muted = NO_QUERIES
      }
    },
    startedFromLatest: (queryId) => state.queries.get(queryId)?.fromLatest === true,
    records: (topic): readonly EngineRecord[] => topics.records(topic),
    topics: () => topics.names(),
    sources: () => state.metastore.all().map(sourceInfo),
    queries: () => [...state.queries.values()].map((q) => q.info),
    processingLog: (): readonly ProcessingLogEntry[] => ctx.log.all(),
    warnings: () => ctx.warnings,
    plan: (queryId) => state.queries.get(queryId)?.plan,
    endOffsets: (topic) => topics.endOffsets(topic),
    holdsHistory: (topic) => topics.holdsHistory(topic),
    onAppend: (listener) => topics.tap(listener),
    takeBackfills: () => ctx.backfills.splice(0),
    backfill: (queryId, records) => {
      const query = state.queries.get(queryId)
      if (query !== undefined) for (const record of records) query.feed(record)
    },
    topicsToCreate: (request) => {
      const sandbox = sandboxOf(state)
      runPrepared(ctx, request, sandbox, {})
      return sandbox.sandboxTopics
    },
    failQuery: (queryId, error) => failQuery(ctx, queryId, error),
  }
}

function createContext(options: EmbeddedEngineOptions): EngineContext {
  const functions =
    options.functions ??
    createFunctionRegistry(functionRegistryOptionsFromProperties(options.properties ?? {}))
  const serverProperties = new Map(Object.entries({ ...DEFAULT_PROPERTIES, ...(options.properties ?? {}) }))
  return {
    functions,
    serverProperties,
    topics: new InMemoryTopics(
      options.retainRecords === undefined ? {} : { retainRecords: options.retainRecords },
    ),
    log: new ProcessingLog(),
    backfills: [],
    warnings: [],
    processingLog: processingLogSettings(
      (name) => serverProperties.get(name),
      serverProperties.get('ksql.service.id') ?? 'default_',
    ),
    processingLogListeners: new Set(),
    tablesLatestPerKey: options.tablesLatestPerKey === true,
    state: {
      metastore: new Metastore(),
      queries: new Map(),
      commandSeq: 0,
      dryRun: false,
      sandboxTopics: new Map(),
    },
    muted: NO_QUERIES,
  }
}

/** The processing-log topic and stream ksqlDB creates at startup when configured to. */
function createProcessingLogStream(ctx: EngineContext, execute: (sql: string) => unknown): void {
  const { processingLog, topics, state } = ctx
  if (processingLog.topicAutoCreate && !topics.has(processingLog.topic))
    topics.create(processingLog.topic, processingLog.partitions)
  if (processingLog.streamAutoCreate && state.metastore.get(processingLog.streamName) === undefined) {
    // Not a command: the query ids of the commands a server replays must not shift.
    const commandSeq = state.commandSeq
    execute(processingLogStreamStatement(processingLog))
    state.commandSeq = commandSeq
  }
}

/**
 * A query that can no longer run: it stops processing and shows ksqlDB's ERROR state with the error;
 * the others go on.
 */
function failQuery(ctx: EngineContext, queryId: string, error: Omit<QueryError, 'timestamp'>): void {
  const query = ctx.state.queries.get(queryId)
  if (query === undefined || query.info.state === 'ERROR') return
  query.stop()
  query.stop = () => undefined
  query.feed = () => undefined
  query.info = {
    ...query.info,
    state: 'ERROR',
    errors: [...(query.info.errors ?? []), { ...error, timestamp: Date.now() }],
  }
}
