import type { Compiled } from '../expression/compile-expression.ts'
import { compileExpression } from '../expression/compile-expression.ts'
import type { scopeOverSlots, ColumnSlot } from '../expression/schema-scope.ts'
import { scopeOverSlots as scopeOver } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Column, DataSource } from '../metastore/source.ts'
import type { Expression, Query } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import type { AnalyzedAggregateCall, AnalyzedColumn, QueryAnalysis } from '../planner/analysis.ts'
import type { SqlType } from '../types/sql-type.ts'
import type { AnalyzeOptions } from './analyze-query.ts'
import { expressionKey, stripQualifiers, visitExpression } from '../expression/expression-utils.ts'
import {
  checkDuplicates,
  checkNoWindowBounds,
  containsAggregate,
  createColumnNamer,
  defaultName,
  maskedGroupingWarnings,
  qualifyAll,
  resolveAggregateType,
  validateWindow,
  type SelectEntry,
} from './query-helpers.ts'

/** A query over one source with aggregates or GROUP BY, as analyzeQueryOver has prepared it. */
export interface AggregationInput {
  readonly query: Query
  readonly source: DataSource
  readonly options: AnalyzeOptions
  readonly alias: string
  readonly qualifiers: string[]
  readonly inputSlots: ColumnSlot[]
  readonly inputScope: (clause: string) => ReturnType<typeof scopeOverSlots>
  readonly entries: readonly SelectEntry[]
  readonly aggregateCalls: readonly (Expression & { kind: 'call' })[]
  /** The analyzed WHERE (the aggregation reads the rows it keeps), or null. */
  readonly where: Expression | null
  readonly warnings: string[]
}

type AggregationScope = (
  clause: string,
  onColumn: (name: string) => void,
) => ReturnType<typeof scopeOverSlots>

interface AggregationProjection {
  readonly keyColumns: AnalyzedColumn[]
  readonly keySchema: Column[]
  readonly valueColumns: AnalyzedColumn[]
  readonly valueSchema: Column[]
  readonly selectOrder: { namespace: 'key' | 'value'; index: number }[]
}

/** GROUP BY and aggregates: the aggregate step, its key (the grouping) and value columns. */
export function analyzeAggregation(input: AggregationInput): QueryAnalysis {
  const { query, source, options, inputScope, aggregateCalls, warnings, where, alias } = input
  const functions = options.functions
  const groupBy = checkGrouping(input)
  // Type-check grouping expressions and aggregate arguments against the input.
  const groupTypes = groupBy.map(
    (g) => compileExpression(g, inputScope('GROUP BY')).type ?? { kind: 'STRING' as const },
  )
  if (query.having !== null) {
    // Window bounds are never HAVING operands, even in windowed aggregations.
    visitExpression(query.having, (e) => {
      if (e.kind === 'call' && functions.isAggregate(e.name)) return false
      if (e.kind === 'column' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND')) {
        throw new StatementError(
          `Window bounds column ${e.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`,
        )
      }
      return undefined
    })
  }
  const resolvedAggregates = aggregateCalls.map((call) =>
    resolveAggregateType(call, functions, inputScope('SELECT')),
  )
  const aggTypes = resolvedAggregates.map((r) => r.returnType)
  warnings.push(...maskedGroupingWarnings(groupBy))
  const aggScope = aggregationScope(input, groupBy, groupTypes, aggTypes)
  const { keyColumns, keySchema, valueColumns, valueSchema, selectOrder } = projectAggregation(
    input,
    groupBy,
    groupTypes,
    aggScope,
  )
  checkHaving(query, aggScope)
  checkDuplicates(keySchema, valueSchema)
  if (valueSchema.length === 0 && options.sinkType !== null) {
    throw new StatementError('The projection contains no value columns.')
  }
  const aggregates: AnalyzedAggregateCall[] = aggregateCalls.map((c) => ({
    name: c.name,
    args: c.args,
    star: c.star,
  }))
  if (query.window !== null) validateWindow(query.window, query.emit === 'FINAL')
  return {
    source,
    alias,
    joins: [],
    where,
    tableFunctions: [],
    partitionBy: null,
    aggregation: {
      groupBy,
      aggregates,
      window: query.window,
      having: query.having,
      emitFinal: query.emit === 'FINAL',
    },
    projection: { keyColumns, valueColumns },
    emit: query.emit,
    limit: query.limit,
    schema: { key: keySchema, value: valueSchema },
    isAggregate: true,
    isTable: true,
    window:
      query.window === null
        ? source.window
        : { type: query.window.type, sizeMs: query.window.type === 'SESSION' ? null : query.window.sizeMs },
    warnings,
    selectOrder,
    intermediateTypes: resolvedAggregates.map((r) => r.intermediateType ?? r.returnType),
  }
}

function checkGrouping(input: AggregationInput): readonly Expression[] {
  const { query, source, options, entries, aggregateCalls, alias } = input
  const functions = options.functions
  const windowedSource = source.window !== null
  if (source.formats.valueFormat === 'KAFKA') {
    throw new StatementError(
      `Source(s) ${source.name} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`,
    )
  }
  const groupBy = query.groupBy ?? []
  if (query.groupBy === null) {
    const nonAggregate = entries
      .filter((e) => !containsAggregate(e.expr, functions))
      .map((e) => formatExpression(stripQualifiers(e.expr)))
    if (nonAggregate.length > 0) {
      throw new StatementError(
        `Non-aggregate SELECT expression(s) not part of GROUP BY: ${nonAggregate.join(', ')}`,
      )
    }
    // A transient query may aggregate the whole stream as one group.
    if (options.sinkType !== null)
      throw new StatementError(
        `${options.sinkType === 'STREAM' ? 'CREATE STREAM' : 'CREATE TABLE'} AS SELECT statement does not support aggregate function [${aggregateCalls.map(formatExpression).join(', ')}] without a GROUP BY clause.`.replace(
          /COUNT\(\*\)/g,
          'COUNT(ROWTIME)',
        ),
      )
  }
  if (groupBy.length === 0 && query.groupBy !== null) {
    throw new StatementError('GROUP BY requires at least one expression')
  }
  const seenGroup = new Set<string>()
  for (const g of groupBy) {
    visitExpression(g, (e) => {
      if (e.kind === 'call' && functions.isAggregate(e.name)) {
        throw new StatementError(
          `GROUP BY does not support aggregate functions: ${e.name} is an aggregate function.`,
        )
      }
    })
    const k = expressionKey(g)
    if (seenGroup.has(k))
      throw new StatementError(`Duplicate GROUP BY expression: ${formatExpression(qualifyAll(g, alias))}`)
    seenGroup.add(k)
    checkNoWindowBounds(g, windowedSource, 'GROUP BY')
  }
  if (aggregateCalls.length === 0) {
    throw new StatementError('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.')
  }
  if (source.type === 'TABLE') {
    const noUndo = aggregateCalls
      .map((c) => c.name)
      .filter((n, i, all) => all.indexOf(n) === i)
      .filter((n) => {
        const resolved = functions.aggregate(n)?.resolve([])
        return (
          ['LATEST_BY_OFFSET', 'EARLIEST_BY_OFFSET', 'MIN', 'MAX', 'TOPK', 'TOPKDISTINCT'].includes(n) ||
          (resolved?.ok === true && resolved.value.undo === undefined && n !== 'COUNT')
        )
      })
    if (noUndo.length > 0) {
      const names = [...noUndo]
      const list =
        names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
      throw new StatementError(
        `The aggregation function${names.length > 1 ? 's' : ''} ${list} cannot be applied to a table source, only to a stream source.`,
      )
    }
  }
  return groupBy
}

/** Grouping expressions read the key, aggregates the value, of the aggregate step's output. */
function aggregationScope(
  input: AggregationInput,
  groupBy: readonly Expression[],
  groupTypes: readonly SqlType[],
  aggTypes: readonly SqlType[],
): AggregationScope {
  const { query, source, options, inputSlots, qualifiers, aggregateCalls } = input
  const functions = options.functions
  const windowedSource = source.window !== null
  const groupKeys = groupBy.map(expressionKey)
  const aggKeys = aggregateCalls.map((c) => expressionKey(c))
  const windowed = query.window !== null
  const substitute = (e: Expression): Compiled | undefined => {
    const k = expressionKey(e)
    const gi = groupKeys.indexOf(k)
    if (gi >= 0) return { type: groupTypes[gi] as SqlType, evaluate: (row) => row.key[gi] ?? null }
    if (e.kind === 'call' && functions.isAggregate(e.name)) {
      const ai = aggKeys.indexOf(k)
      return {
        type: aggTypes[ai] as SqlType,
        evaluate: (row) => (row.value === null ? null : (row.value[ai] ?? null)),
      }
    }
    return undefined
  }
  return (clause, onColumn) =>
    scopeOver(inputSlots, {
      functions,
      qualifiers,
      windowBounds: windowed || windowedSource,
      clause,
      substitute,
      onColumn,
    })
}

function projectAggregation(
  input: AggregationInput,
  groupBy: readonly Expression[],
  groupTypes: readonly SqlType[],
  aggScope: AggregationScope,
): AggregationProjection {
  const { source, options, entries } = input
  const groupKeys = groupBy.map(expressionKey)
  const offending: string[] = []
  // Keys: each grouping expression must be selected exactly once.
  const keyColumns: AnalyzedColumn[] = []
  const keyEntryIndexes = new Set<number>()
  const usedNames = new Set<string>([...source.schema.key, ...source.schema.value].map((c) => c.name))
  const missing: string[] = []
  const namer = createColumnNamer(usedNames)
  const keySchema: Column[] = []
  groupBy.forEach((g, gi) => {
    const k = groupKeys[gi] as string
    const matches = entries.map((e, i) => ({ e, i })).filter(({ e }) => expressionKey(e.expr) === k)
    if (matches.length === 0) {
      missing.push(formatExpression(stripQualifiers(g)))
      return
    }
    if (matches.length > 1) {
      const names = matches.map(({ e }) => e.alias ?? defaultName(e.expr) ?? formatExpression(e.expr))
      throw new StatementError(
        `The projection contains a key column more than once: \`${names[0]}\` and \`${names[1]}\`.`,
      )
    }
    const { e, i } = matches[0] as { e: SelectEntry; i: number }
    keyEntryIndexes.add(i)
    const name = e.alias ?? defaultName(e.expr) ?? null
    keyColumns.push({ name: name ?? '', expression: e.expr })
    keySchema.push({ name: name ?? '', type: groupTypes[gi] as SqlType })
  })
  // Name generated keys and value columns in SELECT order (KSQL_COL_n counts generated names only).
  const valueColumns: AnalyzedColumn[] = []
  const valueSchema: Column[] = []
  const selectOrder: { namespace: 'key' | 'value'; index: number }[] = []
  entries.forEach((e, i) => {
    if (keyEntryIndexes.has(i)) {
      const ki = keyColumns.findIndex((kc) => kc.expression === e.expr)
      selectOrder.push({ namespace: 'key', index: ki })
      const kc = keyColumns[ki] as AnalyzedColumn
      if (kc.name === '') {
        const name = namer.generated()
        keyColumns[ki] = { name, expression: kc.expression }
        keySchema[ki] = { name, type: (keySchema[ki] as Column).type }
      } else namer.claim(kc.name)
      return
    }
    let bad = false
    const compiled = compileExpression(
      e.expr,
      aggScope('SELECT', () => (bad = true)),
    )
    if (bad) {
      offending.push(formatExpression(stripQualifiers(e.expr)))
      return
    }
    const name = e.alias ?? namer.nameFor(e.expr)
    if (e.alias !== null) namer.claim(e.alias)
    selectOrder.push({ namespace: 'value', index: valueColumns.length })
    valueColumns.push({ name, expression: e.expr })
    valueSchema.push({ name, type: compiled.type ?? { kind: 'STRING' } })
  })
  if (offending.length > 0) {
    throw new StatementError(
      `Non-aggregate SELECT expression(s) not part of GROUP BY: ${offending.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`,
    )
  }
  if (missing.length > 0 && options.sinkType !== null) {
    const plural = missing.length > 1
    const list = plural ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}` : missing[0]
    throw new StatementError(
      `The query used to build \`${options.sinkName}\` must include the grouping expression${plural ? 's' : ''} ${list} in its projection (eg, SELECT ${missing.join(', ')}...).`,
    )
  }
  return { keyColumns, keySchema, valueColumns, valueSchema, selectOrder }
}

function checkHaving(query: Query, aggScope: AggregationScope): void {
  if (query.having !== null) {
    const badColumns: string[] = []
    let having: Compiled
    try {
      having = compileExpression(
        query.having,
        aggScope('HAVING', (n) => badColumns.push(n)),
      )
    } catch (error) {
      if (error instanceof StatementError && /^Cannot compare /.test(error.message)) {
        throw new StatementError(`Error in HAVING expression: ${error.message}`)
      }
      throw error
    }
    if (badColumns.length > 0)
      throw new StatementError(
        `Non-aggregate HAVING expression not part of GROUP BY: ${badColumns.join(', ')}`,
      )
    if (having.type !== null && having.type.kind !== 'BOOLEAN')
      throw new StatementError('HAVING clause must evaluate to a boolean')
  }
}
