import {
  checkKeyColumns,
  checkMapKeys,
  checkWrapping,
  checkValueColumns,
  analyzeCreateSource,
  propertyString,
  resolveFormats,
} from '../analyzer/analyze-create-source.ts'
import { analyzeQuery, type QueryAnalysis } from '../analyzer/analyze-query.ts'
import type { StatementResult } from '../engine-api.ts'
import { checkSinkTimestamp } from './sink-timestamp.ts'
import { withRewrittenStatement } from './format-ctas.ts'
import { StatementError } from '../expression/statement-error.ts'
import { INTERMEDIATE_TYPE_NOT_SUPPORTED_MESSAGE } from '../functions/index.ts'
import type { DataSource } from '../metastore/source.ts'
import type { Statement } from '../parser/ast.ts'
import { buildExecutionPlan } from '../planner/build-execution-plan.ts'
import { buildLogicalPlan, type SinkTarget } from '../planner/logical-plan.ts'
import { formatSqlType } from '../types/sql-type.ts'
import {
  defaultKeyFormat,
  ensureTopic,
  keepTableLatest,
  partitionsOf,
  property,
  queryIdFor,
  stopQuery,
  topicExists,
  wrapOption,
  type EngineContext,
  type ExecutionState,
  type RequestScope,
} from './engine-context.ts'
import { sourceInfo } from './source-info.ts'
import { startQuery } from './start-query.ts'

export function checkNameFree(
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

export function createSource(
  ctx: EngineContext,
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
    defaultKeyFormat: defaultKeyFormat(ctx),
    defaultValueFormat: ctx.serverProperties.get('ksql.persistence.default.format.value') as never,
    ...wrapOption(ctx, scope),
  })
  if (!topicExists(ctx, s, source.topic)) ensureTopic(ctx, s, source.topic, partitions ?? 1)
  if (source.type === 'TABLE') keepTableLatest(ctx, s, source.topic)
  s.commandSeq++
  s.metastore.put(source)
  return {
    kind: 'sourceCreated',
    source: sourceInfo(source),
    queryId: null,
    message: statement.sourceType === 'STREAM' ? 'Stream created' : 'Table created',
  }
}

export function createAsSelect(
  ctx: EngineContext,
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
    functions: ctx.functions,
    sinkName: statement.name,
    sinkType: statement.sourceType,
    partitionsOf: partitionsOf(ctx),
    newQueryPlanner: property(ctx, scope, 'ksql.new.query.planner.enabled') === 'true',
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
  if (!s.dryRun) ctx.warnings.push(...analysis.warnings)
  const props = statement.properties
  const sink = withRewrittenStatement(statement, analysis, () =>
    buildSink(ctx, statement.name, statement.sourceType, analysis, props, scope, s),
  )
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
  startQuery(
    ctx,
    buildExecutionPlan(buildLogicalPlan(analysis, sink), { queryId, statement: text }),
    s,
    scope,
  )
  return {
    kind: 'sourceCreated',
    source: sourceInfo(source),
    queryId,
    message: `Created query with ID ${queryId}`,
    warnings: analysis.warnings,
  }
}

export function buildSink(
  ctx: EngineContext,
  name: string,
  type: 'STREAM' | 'TABLE',
  analysis: QueryAnalysis,
  props: Readonly<Record<string, string | number | boolean>>,
  scope: RequestScope,
  s: ExecutionState,
): SinkTarget {
  const src = analysis.source
  const formats = resolveFormats(props, {
    keyFormat: src.formats.keyFormat === 'NONE' ? defaultKeyFormat(ctx) : src.formats.keyFormat,
    valueFormat: src.formats.valueFormat,
    formats: src.formats,
    ...wrapOption(ctx, scope),
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
    keyFormat = defaultKeyFormat(ctx)
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
  const prefix = property(ctx, scope, 'ksql.output.topic.name.prefix') ?? ''
  const topic = propertyString(props, 'KAFKA_TOPIC') ?? `${prefix}${name}`
  const partitions =
    props.PARTITIONS === undefined ? (ctx.topics.partitions(src.topic) ?? 1) : Number(props.PARTITIONS)
  if (!topicExists(ctx, s, topic)) ensureTopic(ctx, s, topic, partitions)
  const window = analysis.window
  return {
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
