import { assertNever } from '../shared/assert-never.ts'
import {
  checkKeyColumns,
  checkMapKeys,
  checkWrapping,
  checkValueColumns,
  analyzeCreateSource,
  propertyString,
  resolveFormats,
  checkTimestampColumn,
} from './analyzer/analyze-create-source.ts'
import { analyzeQuery, type QueryAnalysis } from './analyzer/analyze-query.ts'
import { lookupKeyOrder, lookupPosition } from './analyzer/pull-key-order.ts'
import { checkPullClauses } from './analyzer/check-pull-clauses.ts'
import { checkPullLike } from './analyzer/check-pull-like.ts'
import { checkPullWhere } from './analyzer/check-pull-where.ts'
import { checkTopicName } from './analyzer/topic-name.ts'
import type {
  ColumnInfo,
  Engine,
  EngineErrorKind,
  EngineOptions,
  EngineRecord,
  ExecuteOptions,
  LiveRows,
  OffsetRecord,
  KeyFormat,
  ProcessingLogEntry,
  QueryError,
  QueryInfo,
  SourceInfo,
  StatementResult,
} from './engine-api.ts'
import { EngineError } from './engine-error.ts'
import {
  type BuiltinFunctionRegistry,
  createFunctionRegistry,
  functionRegistryOptionsFromProperties,
  INTERMEDIATE_TYPE_NOT_SUPPORTED_MESSAGE,
} from './functions/index.ts'
import { compileExpression } from './expression/compile-expression.ts'
import { castValue } from './expression/cast-value.ts'
import { scopeOverSlots } from './expression/schema-scope.ts'
import { StatementError } from './expression/statement-error.ts'
import type { FunctionRegistry } from './functions/function-types.ts'
import { Metastore } from './metastore/metastore.ts'
import type { Column, DataSource, LogicalSchema } from './metastore/source.ts'
import type { ParsedStatement, Query, SelectItem, Statement } from './parser/ast.ts'
import { formatExpression } from './parser/format-sql.ts'
import { ParseError } from './parser/parse-error.ts'
import { parseStatement, UnsupportedStatementError } from './parser/parser.ts'
import { splitStatements } from './parser/split-statements.ts'
import { substituteVariables } from './parser/substitute-variables.ts'
import type { ExecutionPlan, SinkStep } from './planner/execution-plan.ts'
import { isExpired, storeRetentionOf } from './planner/window-retention.ts'
import { buildTopology } from './runtime/build-topology.ts'
import { describePlan, describeRunningQuery } from './explain/describe-plan.ts'
import { mergeByTimestamp } from './runtime/merge-inputs.ts'
import { planInputTopics, planSourceNames } from './planner/plan-topics.ts'
import { createKeyCodec, createValueCodec } from './runtime/record-serdes.ts'
import { InMemoryTopics, type StoredRecord } from './runtime/in-memory-topics.ts'
import { partitionForKey } from './runtime/murmur2.ts'
import type { OperatorContext } from './runtime/operators/operator.ts'
import { createSinkOperator } from './runtime/operators/sink-operator.ts'
import { ProcessingLog } from './runtime/processing-log.ts'
import {
  processingLogRecordValue,
  processingLogSettings,
  processingLogStreamStatement,
} from './runtime/processing-log-record.ts'
import { toJsonValue, unwrapSessionWindowedKey, unwrapTimeWindowedKey } from './serde/index.ts'
import { formatSqlType } from './types/sql-type.ts'

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

interface RunningQuery {
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
interface ExecutionState {
  readonly metastore: Metastore
  readonly queries: Map<string, RunningQuery>
  commandSeq: number
  readonly dryRun: boolean
  /** Topics created by the sandbox (→ partitions), so later statements of the same batch can see them. */
  readonly sandboxTopics: Map<string, number>
}

/** Request-scoped settings: SET/DEFINE affect only the rest of one execute() call. */
interface RequestScope {
  readonly properties: Map<string, string>
  readonly variables: Map<string, string>
  readonly live?: LiveRows | undefined
  readonly history?: ReadonlyMap<string, readonly OffsetRecord[]> | undefined
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
const NO_QUERIES: ReadonlySet<string> = new Set()

export function createEngine(options: EmbeddedEngineOptions = {}): EmbeddedEngine {
  const functions =
    options.functions ??
    createFunctionRegistry(functionRegistryOptionsFromProperties(options.properties ?? {}))
  const serverProperties = new Map(Object.entries({ ...DEFAULT_PROPERTIES, ...(options.properties ?? {}) }))
  const topics = new InMemoryTopics(
    options.retainRecords === undefined ? {} : { retainRecords: options.retainRecords },
  )
  const log = new ProcessingLog()
  const backfills: PendingBackfill[] = []
  // Queries deaf to the record being appended (produceMuted).
  let muted: ReadonlySet<string> = NO_QUERIES
  const keepTableLatest = (s: ExecutionState, topic: string): void => {
    if (options.tablesLatestPerKey === true && !s.dryRun) topics.keepLatestPerKey(topic)
  }
  const state: ExecutionState = {
    metastore: new Metastore(),
    queries: new Map(),
    commandSeq: 0,
    dryRun: false,
    sandboxTopics: new Map(),
  }
  const warnings: string[] = []
  const processingLog = processingLogSettings(
    (name) => serverProperties.get(name),
    serverProperties.get('ksql.service.id') ?? 'default_',
  )
  const processingLogListeners = new Set<(entry: ProcessingLogEntry) => void>()

  /**
   * A record a persistent query skipped (or computed NULL for): kept for processingLog(), told to
   * listeners, and written to the processing-log topic as ksqlDB's processing logger would.
   * Transient queries' errors stay out of the topic: a pull query re-reading history would log
   * the same records again on every run.
   */
  function recordError(entry: ProcessingLogEntry): void {
    log.record(entry)
    if (entry.queryId === 'transient') return
    for (const listener of processingLogListeners) listener(entry)
    if (processingLog.topicAutoCreate && topics.has(processingLog.topic))
      topics.append({
        topic: processingLog.topic,
        partition: 0,
        key: null,
        value: Buffer.from(processingLogRecordValue(entry, Date.now(), processingLog.rowsInclude)),
        timestamp: Date.now(),
      })
  }

  const property = (scope: RequestScope, name: string): string | undefined => {
    const bare = name.replace(/^ksql\.streams\./, '')
    return (
      scope.properties.get(name) ??
      scope.properties.get(bare) ??
      scope.properties.get(`ksql.streams.${bare}`) ??
      serverProperties.get(name) ??
      serverProperties.get(bare)
    )
  }

  const wrapOption = (scope: RequestScope): { wrapSingleValues?: boolean } => {
    const raw = property(scope, 'ksql.persistence.wrap.single.values')
    return raw === undefined ? {} : { wrapSingleValues: raw !== 'false' }
  }

  const fail = (kind: EngineErrorKind, message: string, statementText: string): never => {
    throw new EngineError({ kind, message, statementText })
  }

  const topicExists = (s: ExecutionState, name: string): boolean =>
    topics.has(name) || s.sandboxTopics.has(name)
  const ensureTopic = (s: ExecutionState, name: string, partitions: number): void => {
    checkTopicName(name)
    if (s.dryRun) s.sandboxTopics.set(name, partitions)
    else topics.create(name, partitions)
  }

  const partitionsOf = (topic: string): number | undefined => topics.partitions(topic)

  function execute(sql: string, executeOptions: ExecuteOptions = {}): StatementResult[] {
    const { slices, parseSlice, newScope } = validate(sql, executeOptions)
    // 2. Execute for real.
    const scope = newScope()
    const results: StatementResult[] = []
    for (const slice of slices) {
      const result = runStatement(parseSlice(slice, scope), state, scope)
      if (result !== null) results.push(result)
    }
    return results
  }

  /** 1. Validates every statement in a sandbox: nothing runs unless every statement is valid. */
  function validate(sql: string, executeOptions: ExecuteOptions) {
    const slices = splitStatements(sql)
    const newScope = (): RequestScope => ({
      properties: new Map(Object.entries(executeOptions.properties ?? {})),
      variables: new Map(
        Object.entries(executeOptions.variables ?? {}).map(([k, v]) => [k.toUpperCase(), v]),
      ),
      live: executeOptions.live,
      history: executeOptions.history,
    })
    const parseSlice = (slice: (typeof slices)[number], scope: RequestScope): ParsedStatement => {
      let text = slice.text
      try {
        if (property(scope, 'ksql.variable.substitution.enable') !== 'false')
          text = substituteVariables(text, scope.variables)
        return parseStatement({ ...slice, text })
      } catch (error) {
        if (error instanceof ParseError) return fail('parse', error.message, slice.text)
        if (error instanceof UnsupportedStatementError) return fail('unsupported', error.message, slice.text)
        return fail('statement', (error as Error).message, slice.text)
      }
    }
    const sandbox: ExecutionState = {
      metastore: state.metastore.copy(),
      queries: new Map(state.queries),
      commandSeq: state.commandSeq,
      dryRun: true,
      sandboxTopics: new Map(),
    }
    const sandboxScope = newScope()
    for (const slice of slices) runStatement(parseSlice(slice, sandboxScope), sandbox, sandboxScope)
    return { slices, parseSlice, newScope, newTopics: sandbox.sandboxTopics }
  }

  function runStatement(
    parsed: ParsedStatement,
    s: ExecutionState,
    scope: RequestScope,
  ): StatementResult | null {
    try {
      return executeStatement(parsed.statement, parsed.text, s, scope)
    } catch (error) {
      if (error instanceof EngineError) throw error
      if (error instanceof UnsupportedStatementError) return fail('unsupported', error.message, parsed.text)
      if (error instanceof StatementError) return fail('statement', error.message, parsed.text)
      throw error
    }
  }

  function executeStatement(
    statement: Statement,
    text: string,
    s: ExecutionState,
    scope: RequestScope,
  ): StatementResult | null {
    switch (statement.kind) {
      case 'createSource':
        return createSource(statement, text, s, scope)
      case 'createAsSelect':
        return createAsSelect(statement, text, s, scope)
      case 'insertInto':
        return insertInto(statement, text, s, scope)
      case 'insertValues':
        return insertValues(statement, s, scope)
      case 'select':
        return select(statement.query, s, scope)
      case 'setProperty':
        scope.properties.set(statement.name, statement.value)
        return { kind: 'propertySet', name: statement.name, value: statement.value }
      case 'unsetProperty':
        scope.properties.delete(statement.name)
        return { kind: 'propertySet', name: statement.name, value: null }
      case 'defineVariable':
        scope.variables.set(statement.name.toUpperCase(), statement.value)
        return { kind: 'variableSet', name: statement.name, value: statement.value }
      case 'undefineVariable':
        scope.variables.delete(statement.name.toUpperCase())
        return { kind: 'variableSet', name: statement.name, value: null }
      case 'show':
        return show(statement, s, scope)
      case 'describe': {
        const source = s.metastore.get(statement.name)
        if (source === undefined)
          throw new StatementError(`Could not find STREAM/TABLE '${statement.name}' in the Metastore`)
        return { kind: 'description', source: sourceInfo(source), extended: statement.extended }
      }
      case 'drop':
        return drop(statement, s)
      case 'terminate':
        return terminate(statement.queryId, s)
      case 'explain':
        return explain(statement, text, s, scope)
      case 'alter':
        return alter(statement, s)
      default:
        return assertNever(statement, 'statement')
    }
  }

  /** ALTER: ksqlDB refuses it on SOURCE streams/tables with its own wording; elsewhere unsupported here. */
  function alter(statement: Statement & { kind: 'alter' }, s: ExecutionState): never {
    const source = s.metastore.get(statement.name)
    if (source?.isSource === true) {
      const word = source.type === 'STREAM' ? 'stream' : 'table'
      throw new StatementError(
        `Cannot alter ${word} '${statement.name}': ALTER operations are not supported on source ${word}s.`,
      )
    }
    throw new UnsupportedStatementError('ALTER')
  }

  /** EXPLAIN: a running query's plan, or the plan a statement would run (validated in a sandbox). */
  function explain(
    statement: Statement & { kind: 'explain' },
    text: string,
    s: ExecutionState,
    scope: RequestScope,
  ): StatementResult {
    if (statement.queryId !== null) {
      const id = statement.queryId
      const query =
        s.queries.get(id) ?? [...s.queries.values()].find((q) => q.info.id.toUpperCase() === id.toUpperCase())
      if (query === undefined)
        throw new StatementError(
          `Query with id:${id} does not exist, use SHOW QUERIES to view the full set of queries.`,
        )
      return {
        kind: 'queryDescription',
        description: describeRunningQuery(query.plan, query.info, functions),
      }
    }
    const inner = statement.statement
    const innerText = text.replace(/^\s*EXPLAIN\s+/i, '')
    if (inner?.kind === 'select') {
      const analysis = analyzeQuery(inner.query, s.metastore, {
        functions,
        sinkName: inner.query.from.name,
        sinkType: null,
      })
      const plan: ExecutionPlan = {
        version: 1,
        queryId: 'transient',
        statement: innerText,
        source: analysis.sourceStep,
        steps: analysis.steps,
        sink: null,
      }
      return {
        kind: 'queryDescription',
        description: describePlan(
          plan,
          { id: '', state: 'UNKNOWN', queryType: 'PUSH' },
          analysis.schema,
          functions,
        ),
      }
    }
    if (inner?.kind !== 'createAsSelect' && inner?.kind !== 'insertInto')
      throw new StatementError(
        'EXPLAIN takes a query id, a SELECT, a CREATE … AS SELECT or an INSERT INTO … SELECT.',
      )
    const sandbox: ExecutionState = {
      metastore: s.metastore.copy(),
      queries: new Map(s.queries),
      commandSeq: s.commandSeq,
      dryRun: true,
      sandboxTopics: new Map(),
    }
    const result = executeStatement(inner, innerText, sandbox, scope)
    const queryId = result !== null && 'queryId' in result ? result.queryId : null
    const query = queryId === null ? undefined : sandbox.queries.get(queryId)
    if (query === undefined) throw new StatementError(`EXPLAIN: the statement starts no query: ${innerText}`)
    return {
      kind: 'queryDescription',
      description: describeRunningQuery(query.plan, query.info, functions, 'UNKNOWN'),
    }
  }

  function checkNameFree(
    name: string,
    type: 'STREAM' | 'TABLE',
    s: ExecutionState,
    orReplace: boolean,
  ): boolean {
    const existing = s.metastore.get(name)
    if (existing === undefined) return true
    if (orReplace) {
      if (existing.type !== type) {
        throw new StatementError(
          `Cannot add ${type.toLowerCase()} '${name}': A ${existing.type.toLowerCase()} with the same name already exists`,
        )
      }
      return true
    }
    return false
  }

  function createSource(
    statement: Statement & { kind: 'createSource' },
    text: string,
    s: ExecutionState,
    scope: RequestScope,
  ): StatementResult {
    const typeWord = statement.sourceType === 'STREAM' ? 'stream' : 'table'
    const existing = s.metastore.get(statement.name)
    if (statement.orReplace && (existing?.isSource === true || statement.isSource)) {
      const what = (existing?.type ?? statement.sourceType) === 'STREAM' ? 'stream' : 'table'
      throw new StatementError(
        `Cannot add ${what} '${statement.name}': CREATE OR REPLACE is not supported on source ${what}s.`,
      )
    }
    if (existing !== undefined && !statement.orReplace) {
      const message = `Cannot add ${typeWord} '${statement.name}': A ${existing.type.toLowerCase()} with the same name already exists`
      if (statement.ifNotExists)
        return { kind: 'sourceCreated', source: sourceInfo(existing), queryId: null, message: `${message}.` }
      throw new StatementError(message)
    }
    checkNameFree(statement.name, statement.sourceType, s, statement.orReplace)
    const { source, partitions } = analyzeCreateSource(statement, text, {
      defaultKeyFormat: (serverProperties.get('ksql.persistence.default.format.key') ?? 'KAFKA') as KeyFormat,
      defaultValueFormat: serverProperties.get('ksql.persistence.default.format.value') as never,
      ...wrapOption(scope),
    })
    if (!topicExists(s, source.topic)) ensureTopic(s, source.topic, partitions ?? 1)
    if (source.type === 'TABLE') keepTableLatest(s, source.topic)
    s.commandSeq++
    s.metastore.put(source)
    return {
      kind: 'sourceCreated',
      source: sourceInfo(source),
      queryId: null,
      message: statement.sourceType === 'STREAM' ? 'Stream created' : 'Table created',
    }
  }

  function queryIdFor(
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

  /**
   * A CSAS/CTAS's WITH (TIMESTAMP=...) names a column of its result. ksqlDB reports a column the
   * projection cannot produce before any projection error, so names are checked first (when the
   * SELECT has no `*`) and the type once the result schema is known.
   */
  function checkSinkTimestamp(
    statement: Statement & { kind: 'createAsSelect' },
    schema?: LogicalSchema,
  ): void {
    const column = propertyString(statement.properties, 'TIMESTAMP')?.toUpperCase() ?? null
    const format = propertyString(statement.properties, 'TIMESTAMP_FORMAT') ?? null
    if (column === null) return
    if (schema !== undefined) return checkTimestampColumn([...schema.key, ...schema.value], column, format)
    const names: string[] = []
    for (const item of statement.query.select) {
      if (item.kind !== 'expr') return
      if (item.alias !== null) names.push(item.alias)
      else if (item.expr.kind === 'column') names.push(item.expr.name)
      else if (item.expr.kind === 'deref') names.push(item.expr.field)
      else return
    }
    if (!names.includes(column)) checkTimestampColumn([], column, format)
  }

  function createAsSelect(
    statement: Statement & { kind: 'createAsSelect' },
    text: string,
    s: ExecutionState,
    scope: RequestScope,
  ): StatementResult {
    const typeWord = statement.sourceType === 'STREAM' ? 'stream' : 'table'
    const existing = s.metastore.get(statement.name)
    if (existing !== undefined && !statement.orReplace) {
      const message = `Cannot add ${typeWord} '${statement.name}': A ${existing.type.toLowerCase()} with the same name already exists`
      if (statement.ifNotExists)
        return { kind: 'sourceCreated', source: sourceInfo(existing), queryId: null, message: `${message}.` }
      throw new StatementError(message)
    }
    checkNameFree(statement.name, statement.sourceType, s, statement.orReplace)
    checkSinkTimestamp(statement)
    const analysis = analyzeQuery(statement.query, s.metastore, {
      functions,
      sinkName: statement.name,
      sinkType: statement.sourceType,
      partitionsOf,
      newQueryPlanner: property(scope, 'ksql.new.query.planner.enabled') === 'true',
    })
    checkSinkTimestamp(statement, analysis.schema)
    if (statement.sourceType === 'STREAM' && analysis.isTable) {
      throw new StatementError(
        analysis.isAggregate
          ? 'Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.'
          : 'Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.',
      )
    }
    if (statement.sourceType === 'TABLE' && !analysis.isTable) {
      throw new StatementError(
        'Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.',
      )
    }
    if (!s.dryRun) warnings.push(...analysis.warnings)
    const props = statement.properties
    const sink = buildSink(statement.name, statement.sourceType, analysis, props, scope, s)
    const prefix = statement.sourceType === 'STREAM' ? 'CSAS' : 'CTAS'
    const isReplace = existing !== undefined
    s.commandSeq++
    const queryId =
      isReplace && existing.createdBy !== null
        ? existing.createdBy
        : queryIdFor(prefix, statement.name, s, props)
    const source: DataSource = {
      name: statement.name,
      type: statement.sourceType,
      topic: sink.topic,
      schema: sink.schema,
      formats: sink.formats,
      window: sink.window,
      timestampColumn: propertyString(props, 'TIMESTAMP')?.toUpperCase() ?? null,
      timestampFormat: propertyString(props, 'TIMESTAMP_FORMAT') ?? null,
      isSource: false,
      statement: text,
      createdBy: queryId,
    }
    if (isReplace && existing.createdBy !== null) stopQuery(existing.createdBy, s)
    s.metastore.put(source)
    startQuery(queryId, text, analysis, sink, s, scope)
    return {
      kind: 'sourceCreated',
      source: sourceInfo(source),
      queryId,
      message: `Created query with ID ${queryId}`,
      warnings: analysis.warnings,
    }
  }

  function buildSink(
    name: string,
    type: 'STREAM' | 'TABLE',
    analysis: QueryAnalysis,
    props: Readonly<Record<string, string | number | boolean>>,
    scope: RequestScope,
    s: ExecutionState,
  ): SinkStep {
    const src = analysis.source
    const formats = resolveFormats(props, {
      keyFormat:
        src.formats.keyFormat === 'NONE'
          ? ((serverProperties.get('ksql.persistence.default.format.key') ?? 'KAFKA') as KeyFormat)
          : src.formats.keyFormat,
      valueFormat: src.formats.valueFormat,
      formats: src.formats,
      ...wrapOption(scope),
    })
    const explicitKey = propertyString(props, 'KEY_FORMAT') ?? propertyString(props, 'FORMAT')
    let keyFormat = formats.keyFormat
    if (analysis.schema.key.length === 0) {
      if (
        propertyString(props, 'KEY_FORMAT') !== undefined &&
        type === 'STREAM' &&
        propertyString(props, 'KEY_FORMAT')?.toUpperCase() !== 'NONE'
      ) {
        throw new StatementError('Key format specified for stream without key columns.')
      }
      keyFormat = 'NONE'
    } else if (explicitKey?.toUpperCase() === 'NONE') {
      throw new StatementError(
        `The 'NONE' format can only be used when no columns are defined. Got: [${analysis.schema.key.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`).join(', ')}]`,
      )
    } else if (explicitKey === undefined && src.formats.keyFormat === 'NONE') {
      keyFormat = (serverProperties.get('ksql.persistence.default.format.key') ?? 'KAFKA') as KeyFormat
    }
    if (
      (formats.valueFormat === 'DELIMITED' || formats.valueFormat === 'KAFKA') &&
      analysis.intermediateTypes.some((t) => t.kind === 'ARRAY' || t.kind === 'MAP' || t.kind === 'STRUCT')
    ) {
      throw new StatementError(INTERMEDIATE_TYPE_NOT_SUPPORTED_MESSAGE)
    }
    checkKeyColumns(analysis.schema.key, keyFormat)
    checkValueColumns(analysis.schema.value, formats.valueFormat)
    checkWrapping(props, analysis.schema.value.length)
    if (formats.valueFormat === 'JSON') analysis.schema.value.forEach((c) => checkMapKeys(c.type))
    const prefix = property(scope, 'ksql.output.topic.name.prefix') ?? ''
    const topic = propertyString(props, 'KAFKA_TOPIC') ?? `${prefix}${name}`
    const partitions =
      props.PARTITIONS === undefined ? (topics.partitions(src.topic) ?? 1) : Number(props.PARTITIONS)
    if (!topicExists(s, topic)) ensureTopic(s, topic, partitions)
    const window = analysis.window
    return {
      kind: 'sinkV1',
      name,
      topic,
      schema: analysis.schema,
      keyFormat,
      valueFormat: formats.valueFormat,
      formats: { ...formats, keyFormat },
      window,
      isTable: type === 'TABLE',
      timestampColumn: propertyString(props, 'TIMESTAMP')?.toUpperCase() ?? null,
      timestampFormat: propertyString(props, 'TIMESTAMP_FORMAT') ?? null,
    }
  }

  function startQuery(
    queryId: string,
    text: string,
    analysis: QueryAnalysis,
    sink: SinkStep,
    s: ExecutionState,
    scope: RequestScope,
  ): void {
    const plan: ExecutionPlan = {
      version: 1,
      queryId,
      statement: text,
      source: analysis.sourceStep,
      steps: analysis.steps,
      sink,
    }
    const info: QueryInfo = {
      id: queryId,
      statement: text,
      sinks: [sink.name],
      sinkTopics: [sink.topic],
      sources: planSourceNames(plan),
      state: 'RUNNING',
    }
    checkNoFeedbackLoop(queryId, analysis.source.topic, sink.topic, s)
    const fromEarliest = (property(scope, 'auto.offset.reset') ?? 'latest') === 'earliest'
    const running: RunningQuery = {
      info,
      plan,
      stop: () => undefined,
      feed: () => undefined,
      fromLatest: !fromEarliest,
    }
    s.queries.set(queryId, running)
    if (s.dryRun) return
    if (sink.isTable) keepTableLatest(s, sink.topic)
    const context = operatorContext(queryId, analysis.source.topic)
    const handler = buildTopology(plan, context, createSinkOperator(sink, context, topics))
    running.feed = (record) => {
      try {
        handler(record)
      } catch (error) {
        recordError({
          queryId,
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          message: (error as Error).message,
        })
      }
    }
    // A join's table side is read first: on equal timestamps its rows are in the store first.
    const inputs = planInputTopics(plan).reverse()
    if (fromEarliest) {
      const held = inputs.filter((topic) => topics.holdsHistory(topic))
      for (const record of mergeByTimestamp(held.map((topic) => [...topics.records(topic)]))) handler(record)
      for (const topic of inputs) if (!held.includes(topic)) backfills.push({ queryId, topic })
    }
    const stops = inputs.map((topic) =>
      topics.subscribe(topic, (record) => {
        if (!muted.has(queryId)) running.feed(record)
      }),
    )
    running.stop = () => {
      for (const stop of stops) stop()
    }
  }

  /**
   * A query whose output comes back to its own input (INSERT INTO S SELECT … FROM S, or through
   * other queries or a second source over the same topic) would run forever: in this engine every
   * record is processed to completion before the next, so the server would never answer again.
   * ksqlDB accepts such loops (they grow the topic without end); here they are refused.
   */
  function checkNoFeedbackLoop(queryId: string, fromTopic: string, toTopic: string, s: ExecutionState): void {
    const next = new Map<string, string[]>()
    for (const q of s.queries.values()) {
      if (q.info.id === queryId || q.info.state !== 'RUNNING') continue
      next.set(q.plan.source.topic, [...(next.get(q.plan.source.topic) ?? []), ...q.info.sinkTopics])
    }
    const seen = new Set<string>()
    const pending = [toTopic]
    while (pending.length > 0) {
      const topic = pending.pop() as string
      if (topic === fromTopic)
        throw new StatementError(
          `Cannot start query ${queryId}: its output (topic ${toTopic}) would flow back into its own input (topic ${fromTopic}), a loop that never ends. Read from a source that does not depend on the sink.`,
        )
      if (seen.has(topic)) continue
      seen.add(topic)
      pending.push(...(next.get(topic) ?? []))
    }
  }

  function operatorContext(queryId: string, topic: string): OperatorContext {
    return {
      queryId,
      functions,
      logError: (message, row, unreadable) =>
        recordError({
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

  function insertInto(
    statement: Statement & { kind: 'insertInto' },
    text: string,
    s: ExecutionState,
    scope: RequestScope,
  ): StatementResult {
    const target = s.metastore.get(statement.target)
    if (target === undefined) {
      const { line, column } = statement.targetPosition
      throw new StatementError(
        `Line: ${line}, Col: ${column}: Source \`${statement.target}\` does not exist.`,
      )
    }
    if (target.type !== 'STREAM')
      throw new StatementError(
        `INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`,
      )
    if (target.isSource) throw new StatementError(`Cannot insert into read-only stream: ${target.name}`)
    const analysis = analyzeQuery(statement.query, s.metastore, {
      functions,
      sinkName: target.name,
      sinkType: 'STREAM',
      partitionsOf,
    })
    if (analysis.isTable)
      throw new StatementError(
        `INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`,
      )
    const resultSchema = formatSchema(analysis.schema)
    const sinkSchema = formatSchema(target.schema)
    if (resultSchema !== sinkSchema) {
      throw new StatementError(
        `Incompatible schema between results and sink.\nResult schema is ${resultSchema}\nSink schema is ${sinkSchema}`,
      )
    }
    s.commandSeq++
    const queryId = queryIdFor('INSERTQUERY', null, s, {})
    const sink: SinkStep = {
      kind: 'sinkV1',
      name: target.name,
      topic: target.topic,
      schema: target.schema,
      keyFormat: target.formats.keyFormat,
      valueFormat: target.formats.valueFormat,
      formats: target.formats,
      window: target.window,
      isTable: false,
      timestampColumn: null,
      timestampFormat: null,
    }
    startQuery(queryId, text, analysis, sink, s, scope)
    return { kind: 'inserted', queryId, message: `Created query with ID ${queryId}` }
  }

  function insertValues(
    statement: Statement & { kind: 'insertValues' },
    s: ExecutionState,
    _scope: RequestScope,
  ): StatementResult {
    const target = s.metastore.get(statement.target)
    if (target === undefined) {
      const other = s.metastore.findIgnoringCase(statement.target)
      const hint =
        other === undefined
          ? ''
          : other.name === other.name.toUpperCase()
            ? `\nDid you mean ${other.name}? Hint: try removing double quotes from the source name.`
            : `\nDid you mean "${other.name}"? Hint: wrap the source name in double quotes to make it case-sensitive.`
      throw new StatementError(
        `Cannot insert values into an unknown stream/table: \`${statement.target}\`${hint}`,
      )
    }
    if (target.isSource)
      throw new StatementError(
        `Cannot insert values into read-only ${target.type.toLowerCase()}: ${target.name}`,
      )
    const allColumns = [...target.schema.key, ...target.schema.value]
    const names = statement.columns ?? allColumns.map((c) => c.name)
    if (names.length !== statement.values.length) {
      throw new StatementError(
        statement.columns === null
          ? `Failed to prepare statement: Expected a value for each column. Expected Columns: [${names.join(', ')}]. Got [${statement.values.map((v) => formatExpression(v)).join(', ')}]`
          : `Failed to prepare statement: Expected number columns and values to match: ${names.length}, ${statement.values.length}`,
      )
    }
    for (const name of names) {
      if (name === 'ROWPARTITION' || name === 'ROWOFFSET') {
        throw new StatementError(`Inserting into column \`${name}\` is not allowed.`)
      }
    }
    const scopeNone = scopeOverSlots([], { functions, qualifiers: [], windowBounds: false })
    const provided = new Map<string, unknown>()
    let timestamp = Date.now()
    names.forEach((name, i) => {
      const expr = statement.values[i] as NonNullable<(typeof statement.values)[number]>
      let compiled: ReturnType<typeof compileExpression>
      try {
        compiled = compileExpression(expr, scopeNone)
      } catch (error) {
        if (error instanceof StatementError)
          throw new StatementError(`Failed to prepare statement: ${error.message}`)
        throw error
      }
      const value = compiled.evaluate({
        key: [],
        value: [],
        timestamp: 0,
        partition: 0,
        offset: 0,
        window: null,
      })
      if (name === 'ROWTIME') {
        timestamp = Number(value)
        return
      }
      const column = allColumns.find((c) => c.name === name)
      if (column === undefined) throw new StatementError(`Column name ${name} does not exist.`)
      provided.set(name, castValue(value, compiled.type, column.type))
    })
    if (s.dryRun) return { kind: 'inserted', queryId: null, message: '' }
    const keyCodec = createKeyCodec(target.formats.keyFormat, target.schema.key, target.formats)
    const valueCodec = createValueCodec(target.formats.valueFormat, target.schema.value, target.formats)
    const key = keyCodec.serialize(target.schema.key.map((c) => provided.get(c.name) ?? null))
    const value = valueCodec.serialize(target.schema.value.map((c) => provided.get(c.name) ?? null))
    const partitions = topics.partitions(target.topic) ?? 1
    topics.append({
      topic: target.topic,
      partition: key === null ? 0 : partitionForKey(key, partitions),
      key,
      value,
      timestamp,
    })
    return { kind: 'inserted', queryId: null, message: '' }
  }

  function select(query: Query, s: ExecutionState, scope: RequestScope): StatementResult {
    const source = s.metastore.get(query.from.name)
    if (source === undefined) throw new StatementError(`${query.from.name} does not exist.`)
    const push = query.emit !== null
    if (!push && query.joins.length > 0) {
      throw new StatementError(
        "Pull queries don't support JOIN clauses. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.",
      )
    }
    if (!push) {
      checkPullClauses(query, {
        limitClauseEnabled: property(scope, 'ksql.query.pull.limit.clause.enabled') !== 'false',
      })
      if (query.groupBy !== null || query.window !== null || query.partitionBy !== null) {
        const clause = query.groupBy !== null ? 'GROUP BY' : query.window !== null ? 'WINDOW' : 'PARTITION BY'
        throw new StatementError(
          `Pull queries don't support ${clause} clauses. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.`,
        )
      }
      if (source.type === 'TABLE') {
        checkPullLike(query.where, [...source.schema.key, ...source.schema.value], {
          tableScanEnabled: property(scope, 'ksql.query.pull.table.scan.enabled') !== 'false',
        })
        checkPullWhere(query.where, source.schema.key, {
          tableScanEnabled: property(scope, 'ksql.query.pull.table.scan.enabled') !== 'false',
          rangeScanEnabled: property(scope, 'ksql.query.pull.range.scan.enabled') !== 'false',
          windowed: source.window !== null,
        })
      }
    }
    // On windowed sources `*` also yields the window bounds, right after the key columns.
    const expanded: Query =
      source.window === null
        ? query
        : {
            ...query,
            select: query.select.flatMap((item) =>
              item.kind === 'all'
                ? [
                    ...source.schema.key.map((c) => column(c.name)),
                    column('WINDOWSTART'),
                    column('WINDOWEND'),
                    ...source.schema.value.map((c) => column(c.name)),
                  ]
                : [item],
            ),
          }
    const analysis = analyzeQuery(expanded, s.metastore, {
      functions,
      sinkName: source.name,
      sinkType: null,
      partitionsOf,
      pullQuery: !push,
    })
    if (!push && source.type === 'TABLE' && source.createdBy === null && !source.isSource) {
      throw new StatementError(
        `The \`${source.name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${source.name} AS SELECT * FROM ${source.name}'. See https://cnfl.io/queries for more info.`,
      )
    }
    // Transient queries print columns in SELECT order; pull queries mark key columns (and window bounds).
    const bounds = new Set(['WINDOWSTART', 'WINDOWEND'])
    const keyCount = analysis.schema.key.length
    const picked = analysis.selectOrder.map((o) => {
      const c = (
        o.namespace === 'key' ? analysis.schema.key[o.index] : analysis.schema.value[o.index]
      ) as Column
      const isKey =
        !push &&
        source.type === 'TABLE' &&
        (o.namespace === 'key' || (source.window !== null && bounds.has(c.name)))
      return { column: c, isKey, position: o.namespace === 'key' ? o.index : keyCount + o.index }
    })
    const ordered = picked
    const columns: ColumnInfo[] = ordered.map((p) => ({
      name: p.column.name,
      type: p.column.type,
      namespace: p.isKey ? ('KEY' as const) : ('VALUE' as const),
    }))
    const order = ordered.map((p) => p.position)
    if (s.dryRun) return { kind: 'queryRows', columns, rows: [] }
    const plan: ExecutionPlan = {
      version: 1,
      queryId: 'transient',
      statement: '',
      source: analysis.sourceStep,
      steps: analysis.steps,
      sink: null,
    }
    const materialize = !push && source.type === 'TABLE'
    const rows = new Map<string, unknown[]>()
    const tombstoneIds = new Set<string>()
    // Where each table row sits in the state store: its partition, then its serialized key.
    const storeOrder = new Map<string, StoreOrder>()
    // A key lookup (K = v, K IN (…)) answers key by key, in the order the WHERE names them.
    const lookup = materialize ? lookupKeyOrder(query.where, source.schema.key) : null
    // A windowed table's store drops windows past its retention, so a pull query no longer sees them:
    // the table's rows are replayed, so its store's stream time is the latest window time among them
    // (all of them: a WHERE must not move it).
    const retention =
      materialize && source.window !== null && source.createdBy !== null
        ? storeRetentionOf(s.queries.get(source.createdBy)?.plan.steps ?? [])
        : null
    const windowTimes = new Map<string, number>()
    let observedStreamTime = Number.NEGATIVE_INFINITY
    let current: EngineRecord | null = null
    let counter = 0
    const limit = query.limit ?? Number.POSITIVE_INFINITY
    // Set once the held records are replayed: later rows of a live push query go straight out.
    let liveSink: LiveRows | null = null
    const handler = buildTopology(plan, operatorContext('transient', source.topic), (row) => {
      if (!materialize && liveSink === null && rows.size >= limit) return
      const id = materialize ? JSON.stringify([row.key, row.window?.start ?? null]) : String(counter++)
      if (retention !== null && row.window !== null)
        windowTimes.set(id, retention.byEnd ? row.window.end : row.window.start)
      if (row.value === null && materialize) {
        rows.delete(id)
        return
      }
      // Streams' null-value records are not rows; on tables they are tombstones: key (and window) only.
      if (row.value === null && source.type === 'STREAM') return
      if (liveSink !== null) {
        liveSink.onRow(rowValues(row), row.value === null)
        return
      }
      if (row.value === null) tombstoneIds.add(id)
      rows.set(id, rowValues(row))
      if (materialize && current !== null) {
        storeOrder.set(id, {
          partition: current.partition,
          key: current.key,
          start: row.window?.start ?? 0,
          lookup: lookup === null ? 0 : lookupPosition(lookup, row.key[0]),
        })
      }
    })
    function rowValues(row: {
      readonly key: readonly unknown[]
      readonly value: readonly unknown[] | null
      readonly window?: { readonly start: number; readonly end: number } | null | undefined
    }): unknown[] {
      const flat = [
        ...row.key,
        ...(row.value ??
          analysis.schema.value.map((c) =>
            c.name === 'WINDOWSTART'
              ? (row.window?.start ?? null)
              : c.name === 'WINDOWEND'
                ? (row.window?.end ?? null)
                : null,
          )),
      ]
      return order.map((i) => toJsonValue(flat[i]))
    }
    const fromEarliest = !push || (property(scope, 'auto.offset.reset') ?? 'latest') === 'earliest'
    if (fromEarliest) {
      const held =
        (!push ? scope.history?.get(source.topic) : undefined) ??
        mergeByTimestamp(
          planInputTopics(plan)
            .reverse()
            .map((topic) => topics.records(topic)),
        )
      for (const record of held) {
        current = record
        if (retention !== null && record.key !== null)
          observedStreamTime = Math.max(observedStreamTime, storeTimeOfKey(record.key, retention.byEnd))
        handler(record)
      }
    }
    if (retention !== null) {
      for (const [id, time] of windowTimes)
        if (isExpired(time, observedStreamTime, retention.retentionMs)) rows.delete(id)
    }
    // A table scan returns rows as ksqlDB's state stores iterate them: partition by partition, each
    // in serialized-key byte order (RocksDB's), window start last.
    const ids = [...rows.keys()]
    if (materialize) {
      // A lookup fetches per partition, partitions in the order their first key is named.
      const groups = new Map<number, number>()
      for (const o of storeOrder.values())
        groups.set(o.partition, Math.min(groups.get(o.partition) ?? o.lookup, o.lookup))
      ids.sort((a, b) => compareStoreOrder(storeOrder.get(a), storeOrder.get(b), groups))
    }
    const all = ids.map((id) => rows.get(id) as unknown[])
    const kept = ids.slice(0, Math.min(limit, all.length))
    const tombstones = kept.flatMap((id, i) => (tombstoneIds.has(id) ? [i] : []))
    let close: (() => void) | undefined
    if (push && scope.live !== undefined) {
      // Subscribed like a persistent query: every later record of the source runs through the
      // same topology, however few records the engine keeps.
      liveSink = scope.live
      const stops = planInputTopics(plan).map((topic) =>
        topics.subscribe(topic, (record) => {
          current = record
          handler(record)
        }),
      )
      close = () => {
        for (const stop of stops) stop()
      }
    }
    return {
      kind: 'queryRows',
      columns,
      rows: all.slice(0, kept.length),
      ...(tombstones.length > 0 ? { tombstones } : {}),
      ...(close === undefined ? {} : { close }),
    }
  }

  function show(
    statement: Statement & { kind: 'show' },
    s: ExecutionState,
    scope: RequestScope,
  ): StatementResult {
    switch (statement.what) {
      case 'STREAMS':
      case 'TABLES': {
        const type = statement.what === 'STREAMS' ? 'STREAM' : 'TABLE'
        const rows = s.metastore
          .all()
          .filter((src) => src.type === type)
          .map((src) => ({
            type,
            name: src.name,
            topic: src.topic,
            keyFormat: src.formats.keyFormat,
            valueFormat: src.formats.valueFormat,
            isWindowed: src.window !== null,
          }))
        return { kind: 'listing', what: statement.what, rows }
      }
      case 'QUERIES':
        return { kind: 'listing', what: 'QUERIES', rows: [...s.queries.values()].map((q) => q.info) }
      case 'TOPICS':
        return {
          kind: 'listing',
          what: 'TOPICS',
          rows: topics
            .names()
            .map((name) => ({ name, replicaInfo: new Array<number>(topics.partitions(name) ?? 1).fill(1) })),
        }
      case 'PROPERTIES': {
        const merged = new Map([...serverProperties, ...scope.properties])
        return {
          kind: 'listing',
          what: 'PROPERTIES',
          rows: [...merged].map(([name, value]) => ({ name, value, scope: 'KSQL' })),
        }
      }
      case 'VARIABLES':
        return {
          kind: 'listing',
          what: 'VARIABLES',
          rows: [...scope.variables].map(([name, value]) => ({ name, value })),
        }
      case 'FUNCTIONS':
        return {
          kind: 'listing',
          what: 'FUNCTIONS',
          rows:
            'list' in functions && typeof functions.list === 'function'
              ? [...(functions as BuiltinFunctionRegistry).list()]
              : [],
        }
      default:
        return assertNever(statement.what, 'listing')
    }
  }

  function drop(statement: Statement & { kind: 'drop' }, s: ExecutionState): StatementResult {
    const source = s.metastore.get(statement.name)
    const typeWord = statement.sourceType === 'STREAM' ? 'Stream' : 'Table'
    if (source === undefined) {
      if (statement.ifExists)
        return {
          kind: 'sourceDropped',
          name: statement.name,
          message: `Source ${statement.name} does not exist.`,
        }
      throw new StatementError(`${typeWord} ${statement.name} does not exist.`)
    }
    if (source.type !== statement.sourceType) {
      throw new StatementError(
        `Incompatible data source type is ${source.type}, but statement was DROP ${statement.sourceType}`,
      )
    }
    const derived = s.metastore.all().filter((other) => {
      if (other.createdBy === null || other.name === source.name) return false
      const q = s.queries.get(other.createdBy)
      return q !== undefined && q.info.sources.includes(source.name)
    })
    if (derived.length > 0) {
      throw new StatementError(
        `Cannot drop ${source.name}.\nThe following streams and/or tables read from this source: [${derived
          .map((d) => d.name)
          .sort()
          .join(', ')}].\nYou need to drop them before dropping ${source.name}.`,
      )
    }
    const others = [...s.queries.values()].filter((q) => q.info.id !== source.createdBy)
    const readers = others
      .filter((q) => q.info.sources.includes(source.name))
      .map((q) => q.info.id)
      .sort()
    const writers = others
      .filter((q) => q.info.sinks.includes(source.name))
      .map((q) => q.info.id)
      .sort()
    if (readers.length > 0 || writers.length > 0) {
      throw new StatementError(
        `Cannot drop ${source.name}.\nThe following queries read from this source: [${readers.join(', ')}].\nThe following queries write into this source: [${writers.join(', ')}].\nYou need to terminate them before dropping ${source.name}.`,
      )
    }
    if (statement.deleteTopic && source.isSource)
      throw new StatementError(`Cannot delete topic for read-only source: ${source.name}`)
    s.commandSeq++
    if (source.createdBy !== null) stopQuery(source.createdBy, s)
    s.metastore.delete(source.name)
    if (statement.deleteTopic && !s.dryRun) topics.delete(source.topic)
    return {
      kind: 'sourceDropped',
      name: source.name,
      message: `Source \`${source.name}\` (topic: ${source.topic}) was dropped.`,
    }
  }

  function stopQuery(id: string, s: ExecutionState): void {
    const q = s.queries.get(id)
    if (q === undefined) return
    if (!s.dryRun) q.stop()
    s.queries.delete(id)
  }

  function terminate(queryId: string | null, s: ExecutionState): StatementResult {
    s.commandSeq++
    if (queryId === null) {
      const ids = [...s.queries.keys()]
      for (const id of ids) stopQuery(id, s)
      return { kind: 'queryTerminated', queryIds: ids, message: 'Query terminated.' }
    }
    const id = [...s.queries.keys()].find((k) => k.toUpperCase() === queryId.toUpperCase())
    if (id === undefined) throw new StatementError(`Unknown queryId: ${queryId}`)
    const q = s.queries.get(id) as RunningQuery
    const sinkSource = q.info.sinks.map((n) => s.metastore.get(n)).find((src) => src?.createdBy === id)
    if (sinkSource !== undefined) {
      // ksqlDB keeps the sink but it no longer has a writer.
      s.metastore.put({ ...sinkSource, createdBy: null })
    }
    stopQuery(id, s)
    return { kind: 'queryTerminated', queryIds: [id], message: 'Query terminated.' }
  }

  if (processingLog.topicAutoCreate && !topics.has(processingLog.topic))
    topics.create(processingLog.topic, processingLog.partitions)
  if (processingLog.streamAutoCreate && state.metastore.get(processingLog.streamName) === undefined) {
    // Not a command: the query ids of the commands a server replays must not shift.
    const commandSeq = state.commandSeq
    execute(processingLogStreamStatement(processingLog))
    state.commandSeq = commandSeq
  }

  return {
    execute,
    onProcessingLog: (listener) => {
      processingLogListeners.add(listener)
      return () => processingLogListeners.delete(listener)
    },
    createTopic: (name, partitions) => topics.create(name, partitions ?? 1),
    produce: (record) => {
      topics.append(record)
    },
    produceMuted: (record, queries) => {
      muted = queries
      try {
        topics.append(record)
      } finally {
        muted = NO_QUERIES
      }
    },
    startedFromLatest: (queryId) => state.queries.get(queryId)?.fromLatest === true,
    records: (topic): readonly EngineRecord[] => topics.records(topic),
    topics: () => topics.names(),
    sources: () => state.metastore.all().map(sourceInfo),
    queries: () => [...state.queries.values()].map((q) => q.info),
    processingLog: (): readonly ProcessingLogEntry[] => log.all(),
    warnings: () => warnings,
    plan: (queryId) => state.queries.get(queryId)?.plan,
    endOffsets: (topic) => topics.endOffsets(topic),
    holdsHistory: (topic) => topics.holdsHistory(topic),
    onAppend: (listener) => topics.tap(listener),
    takeBackfills: () => backfills.splice(0),
    backfill: (queryId, records) => {
      const query = state.queries.get(queryId)
      if (query !== undefined) for (const record of records) query.feed(record)
    },
    topicsToCreate: (sql, executeOptions) => validate(sql, executeOptions ?? {}).newTopics,
    failQuery: (queryId, error) => {
      const query = state.queries.get(queryId)
      if (query === undefined || query.info.state === 'ERROR') return
      query.stop()
      query.stop = () => undefined
      query.feed = () => undefined
      query.info = {
        ...query.info,
        state: 'ERROR',
        errors: [...(query.info.errors ?? []), { ...error, timestamp: Date.now() }],
      }
    },
  }
}

interface StoreOrder {
  /** Position of the row's key in a key lookup's list (0 for scans). */
  readonly lookup: number
  readonly partition: number
  readonly key: Buffer | null
  readonly start: number
}

function compareStoreOrder(
  a: StoreOrder | undefined,
  b: StoreOrder | undefined,
  groups: ReadonlyMap<number, number>,
): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1
  const group = (groups.get(a.partition) ?? 0) - (groups.get(b.partition) ?? 0)
  if (group !== 0) return group
  if (a.lookup !== b.lookup) return a.lookup - b.lookup
  if (a.partition !== b.partition) return a.partition - b.partition
  const keys = Buffer.compare(a.key ?? Buffer.alloc(0), b.key ?? Buffer.alloc(0))
  return keys !== 0 ? keys : a.start - b.start
}

function column(name: string): SelectItem {
  return { kind: 'expr', expr: { kind: 'column', qualifier: null, name }, alias: null }
}

export function formatSchema(schema: LogicalSchema): string {
  return [
    ...schema.key.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`),
    ...schema.value.map((c) => `\`${c.name}\` ${formatSqlType(c.type)}`),
  ].join(', ')
}

export function sourceInfo(source: DataSource): SourceInfo {
  const valueFeatures: string[] = []
  if (!source.formats.wrapSingleValue) valueFeatures.push('UNWRAP_SINGLES')
  const keyFeatures: string[] = []
  if (source.schema.key.length === 1 && source.formats.keyFormat === 'JSON')
    keyFeatures.push('UNWRAP_SINGLES')
  return {
    name: source.name,
    type: source.type,
    topic: source.topic,
    columns: [
      ...source.schema.key.map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' as const })),
      ...source.schema.value.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
    ],
    keyFormat: source.formats.keyFormat,
    valueFormat: source.formats.valueFormat,
    keyFeatures,
    valueFeatures,
    windowType: source.window?.type ?? null,
    windowSizeMs: source.window?.sizeMs ?? null,
    isSource: source.isSource,
    timestampColumn: source.timestampColumn,
    statement: source.statement,
  }
}

/** The time a window store indexes a windowed key by: a session's end, a time window's start. */
function storeTimeOfKey(key: Buffer, byEnd: boolean): number {
  try {
    return byEnd ? unwrapSessionWindowedKey(key).end : unwrapTimeWindowedKey(key).start
  } catch {
    return Number.NEGATIVE_INFINITY // too short to be windowed: the topology logs it
  }
}
