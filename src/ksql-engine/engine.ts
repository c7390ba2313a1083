import type {
  Engine,
  EngineOptions,
  EngineRecord,
  ExecuteOptions,
  ProcessingLogEntry,
  QueryError,
  StatementResult,
} from './engine-api.ts'
import { statementErrorKind } from './engine-errors.ts'
import { createFunctionRegistry, functionRegistryOptionsFromProperties } from './functions/index.ts'
import type { FunctionRegistry } from './functions/function-types.ts'
import { Metastore } from './metastore/metastore.ts'
import type { ParsedStatement } from './parser/ast.ts'
import { parseStatement } from './parser/parser.ts'
import { splitStatements, type StatementSlice } from '../shared/split-statements.ts'
import { substituteVariables } from './parser/substitute-variables.ts'
import { variableKey } from '../shared/substitute-variables.ts'
import type { ExecutionPlan } from './planner/execution-plan.ts'
import { InMemoryTopics, type StoredRecord } from './runtime/in-memory-topics.ts'
import { ProcessingLog } from './runtime/processing-log.ts'
import { processingLogSettings, processingLogStreamStatement } from './runtime/processing-log-record.ts'
import {
  fail,
  NO_QUERIES,
  property,
  sandboxOf,
  type EngineContext,
  type ExecutionState,
  type PendingBackfill,
  type RequestScope,
} from './statements/engine-context.ts'
import { runStatement } from './statements/execute-statement.ts'
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
export interface EmbeddedEngine extends Engine {
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
  /** Whether records(topic) still holds every record the topic received (see ExecuteOptions.history). */
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
   * Validates `sql` as execute() would, changing nothing (throws EngineError as execute() does),
   * and tells which topics executing it would create (→ partitions): the embedder creates them
   * where they must exist (Kafka) before execute(), so a topic the broker refuses fails the
   * statement before any query starts.
   */
  topicsToCreate(sql: string, options?: ExecuteOptions): ReadonlyMap<string, number>
}

/** Creates the in-process ksqlDB-compatible engine over in-memory topics. */
export function createEngine(options: EmbeddedEngineOptions = {}): EmbeddedEngine {
  const ctx = createContext(options)
  const { state, topics } = ctx
  const execute = (sql: string, executeOptions: ExecuteOptions = {}): StatementResult[] => {
    const { slices, parseSlice, newScope } = validate(ctx, sql, executeOptions)
    // 2. Execute for real.
    const scope = newScope()
    const results: StatementResult[] = []
    for (const slice of slices) {
      const result = runStatement(ctx, parseSlice(slice, scope), state, scope)
      if (result !== null) results.push(result)
    }
    return results
  }
  createProcessingLogStream(ctx, execute)
  return {
    execute,
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
    topicsToCreate: (sql, executeOptions) => validate(ctx, sql, executeOptions ?? {}).newTopics,
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

/** 1. Validates every statement in a sandbox: nothing runs unless every statement is valid. */
function validate(ctx: EngineContext, sql: string, executeOptions: ExecuteOptions) {
  const slices = splitStatements(sql)
  const newScope = (): RequestScope => ({
    properties: new Map(Object.entries(executeOptions.properties ?? {})),
    variables: new Map(Object.entries(executeOptions.variables ?? {}).map(([k, v]) => [variableKey(k), v])),
    live: executeOptions.live,
    history: executeOptions.history,
  })
  const parseSlice = (slice: StatementSlice, scope: RequestScope): ParsedStatement => {
    let text = slice.text
    try {
      if (property(ctx, scope, 'ksql.variable.substitution.enable') !== 'false')
        text = substituteVariables(text, scope.variables)
      return parseStatement({ ...slice, text })
    } catch (error) {
      // Whatever stops a statement from parsing (e.g. an undefined variable) is a statement error.
      return fail(statementErrorKind(error) ?? 'statement', (error as Error).message, slice.text)
    }
  }
  const sandbox: ExecutionState = sandboxOf(ctx.state)
  const sandboxScope = newScope()
  for (const slice of slices) runStatement(ctx, parseSlice(slice, sandboxScope), sandbox, sandboxScope)
  return { slices, parseSlice, newScope, newTopics: sandbox.sandboxTopics }
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
