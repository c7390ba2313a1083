import { assertNever } from '../../shared/assert-never.ts'
import type { ColumnInfo, QueryInfo, SourceInfo, StatementResult } from '../engine-api.ts'
import type { QueryDescription } from '../explain/describe-plan.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'

/** A /ksql response entity as ksqlDB writes it (spec A1, "/ksql entities by statement"). */
export type KsqlEntity = Readonly<Record<string, unknown>> & { readonly '@type': string }

export interface FieldSchema {
  readonly type: string
  readonly fields?: readonly { readonly name: string; readonly schema: FieldSchema }[]
  readonly memberSchema?: FieldSchema
  readonly parameters?: Readonly<Record<string, unknown>>
}

/** DESCRIBE's schema object: empty `fields`/`memberSchema` are left out, as ksqlDB does. */
export function fieldSchema(type: SqlType): FieldSchema {
  switch (type.kind) {
    case 'ARRAY':
      return { type: 'ARRAY', memberSchema: fieldSchema(type.element) }
    case 'MAP':
      return { type: 'MAP', memberSchema: fieldSchema(type.value) }
    case 'STRUCT':
      return {
        type: 'STRUCT',
        fields: type.fields.map((f) => ({ name: f.name, schema: fieldSchema(f.type) })),
      }
    case 'DECIMAL':
      return { type: 'DECIMAL', parameters: { precision: type.precision, scale: type.scale } }
    default:
      return { type: type.kind }
  }
}

/** `ID` INTEGER KEY, `NAME` STRING — the /query header schema (KEY markers on pull queries only). */
export function headerSchema(columns: readonly ColumnInfo[]): string {
  return columns
    .map((c) => `\`${c.name}\` ${formatSqlType(c.type)}${c.namespace === 'KEY' ? ' KEY' : ''}`)
    .join(', ')
}

export function runningQuery(query: QueryInfo): KsqlEntity {
  return {
    '@type': 'query',
    queryString: query.statement,
    sinks: query.sinks,
    sinkKafkaTopics: query.sinkTopics,
    id: query.id,
    statusCount: { [query.state]: 1 },
    queryType: 'PERSISTENT',
    state: query.state,
    // Not in ksqlDB's SHOW QUERIES entity (its SHOW QUERIES EXTENDED has them): why a query is in
    // ERROR, without a second request.
    ...(query.errors === undefined || query.errors.length === 0 ? {} : { queryErrors: query.errors }),
  }
}

export function sourceDescription(
  source: SourceInfo,
  extended: boolean,
  queries: readonly QueryInfo[],
): Record<string, unknown> {
  return {
    name: source.name,
    windowType: source.windowType,
    // Not in ksqlDB's entity: spares readers parsing `statement` for the window size.
    windowSizeMs: source.windowSizeMs,
    readQueries: queries.filter((q) => q.sources.includes(source.name)).map(runningQuery),
    writeQueries: queries.filter((q) => q.sinks.includes(source.name)).map(runningQuery),
    fields: source.columns.map(fieldEntity),
    type: source.type,
    timestamp: source.timestampColumn ?? '',
    statistics: '',
    errorStats: '',
    extended,
    keyFormat: source.keyFormat,
    valueFormat: source.valueFormat,
    topic: source.topic,
    partitions: 0,
    replication: 0,
    statement: source.statement,
    queryOffsetSummaries: [],
    sourceConstraints: [],
    clusterStatistics: [],
    clusterErrorStats: [],
  }
}

export interface CommandStatus {
  readonly commandId: string
  readonly status: 'SUCCESS' | 'ERROR'
  readonly message: string
  readonly queryId: string | null
}

/**
 * The commandId of a state-changing statement. Creates back-quote the name, drops do not (Part C 2).
 * The statement text decides the type for INSERT INTO and TERMINATE, which carry no source.
 */
export function commandIdFor(result: StatementResult, statementText: string): string | null {
  switch (result.kind) {
    case 'sourceCreated':
      return `${result.source.type.toLowerCase()}/\`${result.source.name}\`/create`
    case 'sourceDropped': {
      const type = /^\s*DROP\s+TABLE/i.test(statementText) ? 'table' : 'stream'
      return `${type}/${result.name}/drop`
    }
    case 'queryTerminated': {
      const all = /^\s*TERMINATE\s+ALL\b/i.test(statementText)
      return `terminate/${all ? 'ALL' : (result.queryIds[0] ?? 'ALL')}/execute`
    }
    case 'inserted': {
      const target = /^\s*INSERT\s+INTO\s+(`[^`]+`|"[^"]+"|[A-Za-z_][\w]*)/i.exec(statementText)?.[1] ?? ''
      const name =
        target.startsWith('`') || target.startsWith('"') ? target.slice(1, -1) : target.toUpperCase()
      return `stream/\`${name}\`/create`
    }
    case 'propertySet':
    case 'variableSet':
    case 'listing':
    case 'description':
    case 'queryDescription':
    case 'queryRows':
      return null
    default:
      return assertNever(result, 'statement result')
  }
}

export interface EntityContext {
  readonly statementText: string
  readonly commandSequenceNumber: number
  readonly queries: readonly QueryInfo[]
  /** host:port of this server, for EXPLAIN's ksqlHostQueryStatus. */
  readonly host?: string
}

/** One /ksql entity per statement; SET/DEFINE and INSERT … VALUES have none (null), as in ksqlDB. */
export function entityFor(result: StatementResult, context: EntityContext): KsqlEntity | null {
  const base = { statementText: context.statementText, warnings: [] }
  // INSERT … VALUES (no query behind it) is handled by the server without a command entity.
  if (result.kind === 'inserted' && result.queryId === null) return null
  switch (result.kind) {
    case 'sourceCreated':
    case 'sourceDropped':
    case 'queryTerminated':
    case 'inserted': {
      const queryId = result.kind === 'sourceCreated' || result.kind === 'inserted' ? result.queryId : null
      const message =
        result.kind === 'sourceCreated' && result.message === ''
          ? result.source.type === 'TABLE'
            ? 'Table created'
            : 'Stream created'
          : result.message
      return {
        '@type': 'currentStatus',
        ...base,
        commandId: commandIdFor(result, context.statementText),
        commandStatus: { status: 'SUCCESS', message, queryId },
        commandSequenceNumber: context.commandSequenceNumber,
      }
    }
    case 'propertySet':
    case 'variableSet':
      return null
    case 'listing':
      return listingEntity(result, base)
    case 'description':
      return {
        '@type': 'sourceDescription',
        ...base,
        sourceDescription: sourceDescription(result.source, result.extended, context.queries),
      }
    case 'queryDescription':
      return {
        '@type': 'queryDescription',
        ...base,
        queryDescription: queryDescriptionEntity(result.description, context.host),
      }
    case 'queryRows':
      return null
    default:
      return assertNever(result, 'statement result')
  }
}

/** EXPLAIN's entity body: ksqlDB's QueryDescription JSON (fields as DESCRIBE shows them). */
export function queryDescriptionEntity(
  d: QueryDescription,
  host: string | undefined,
): Record<string, unknown> {
  return {
    id: d.id,
    statementText: d.statementText,
    windowType: d.windowType,
    fields: d.fields.map(fieldEntity),
    sources: d.sources,
    sinks: d.sinks,
    topology: d.topology,
    executionPlan: d.executionPlan,
    overriddenProperties: {},
    ksqlHostQueryStatus: host === undefined || d.state === 'UNKNOWN' ? {} : { [host]: d.state },
    queryType: d.queryType,
    queryErrors: [],
    tasksMetadata: [],
    state: d.state,
    sinkKafkaTopics: d.sinkKafkaTopics,
  }
}

function fieldEntity(c: ColumnInfo): Record<string, unknown> {
  return {
    name: c.name,
    schema: fieldSchema(c.type),
    ...(c.namespace === 'KEY' ? { type: 'KEY' } : c.namespace === 'HEADERS' ? { type: 'HEADER' } : {}),
  }
}

function listingEntity(
  result: StatementResult & { kind: 'listing' },
  base: { statementText: string; warnings: never[] },
): KsqlEntity {
  switch (result.what) {
    case 'STREAMS':
      return { '@type': 'streams', ...base, streams: result.rows }
    case 'TABLES':
      return { '@type': 'tables', ...base, tables: result.rows }
    case 'QUERIES':
      return { '@type': 'queries', ...base, queries: (result.rows as QueryInfo[]).map(runningQuery) }
    case 'TOPICS':
      return { '@type': 'kafka_topics', ...base, topics: result.rows }
    case 'PROPERTIES':
      return {
        '@type': 'properties',
        ...base,
        properties: (result.rows as { name: string; value: string; scope: string }[]).map((p) => ({
          ...p,
          editable: true,
          level: 'SERVER',
        })),
        overwrittenProperties: [],
        defaultProperties: [],
      }
    case 'VARIABLES':
      return {
        '@type': 'variables',
        ...base,
        variables: result.rows,
      }
    case 'FUNCTIONS':
      return { '@type': 'function_names', ...base, functions: result.rows }
    default:
      return assertNever(result.what, 'listing')
  }
}
