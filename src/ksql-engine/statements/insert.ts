import { analyzeQuery } from '../analyzer/analyze-query.ts'
import type { StatementResult } from '../engine-api.ts'
import { castValue } from '../expression/cast-value.ts'
import { compileExpression } from '../expression/compile-expression.ts'
import { scopeOverSlots } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Statement } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import { buildExecutionPlan } from '../planner/build-execution-plan.ts'
import { buildLogicalPlan, type SinkTarget } from '../planner/logical-plan.ts'
import { partitionForKey } from '../../shared/murmur2-partition.ts'
import { createKeyCodec, createValueCodec } from '../runtime/record-serdes.ts'
import {
  partitionsOf,
  queryIdFor,
  type EngineContext,
  type ExecutionState,
  type RequestScope,
} from './engine-context.ts'
import { formatSchema } from './source-info.ts'
import { startQuery } from './start-query.ts'

export function insertInto(
  ctx: EngineContext,
  statement: Statement & { kind: 'insertInto' },
  text: string,
  s: ExecutionState,
  scope: RequestScope,
): StatementResult {
  const target = s.metastore.get(statement.target)
  if (target === undefined) {
    const { line, column } = statement.targetPosition
    throw new StatementError(`Line: ${line}, Col: ${column}: Source \`${statement.target}\` does not exist.`)
  }
  if (target.type !== 'STREAM')
    throw new StatementError(
      `INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`,
    )
  if (target.isSource) throw new StatementError(`Cannot insert into read-only stream: ${target.name}`)
  const analysis = analyzeQuery(statement.query, s.metastore, {
    functions: ctx.functions,
    sinkName: target.name,
    sinkType: 'STREAM',
    partitionsOf: partitionsOf(ctx),
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
  const sink: SinkTarget = {
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
  startQuery(
    ctx,
    buildExecutionPlan(buildLogicalPlan(analysis, sink), { queryId, statement: text }),
    s,
    scope,
  )
  return { kind: 'inserted', queryId, message: `Created query with ID ${queryId}` }
}

export function insertValues(
  ctx: EngineContext,
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
  const scopeNone = scopeOverSlots([], { functions: ctx.functions, qualifiers: [], windowBounds: false })
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
  const partitions = ctx.topics.partitions(target.topic) ?? 1
  ctx.topics.append({
    topic: target.topic,
    partition: key === null ? 0 : partitionForKey(key, partitions),
    key,
    value,
    timestamp,
  })
  return { kind: 'inserted', queryId: null, message: '' }
}
