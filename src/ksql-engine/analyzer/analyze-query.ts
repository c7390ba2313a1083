import type { KeyFormat, ValueFormat } from '../engine-api.ts'
import { compileExpression, type Compiled } from '../expression/compile-expression.ts'
import { scopeOverSlots, slotsOf, type ColumnSlot } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import { LAMBDA_FUNCTIONS } from '../expression/compile-lambda-call.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import type { Metastore } from '../metastore/metastore.ts'
import type { Column, DataSource, LogicalSchema, WindowInfo } from '../metastore/source.ts'
import type { Expression, Query } from '../parser/ast.ts'
import { formatExpression } from '../parser/format-sql.ts'
import type { AggregateCall, ExecutionStep, ProjectedColumn, SourceStep } from '../planner/execution-plan.ts'
import { effectiveGraceMs, retentionError } from '../planner/window-retention.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'
import {
  isSyntheticColumn,
  planTableFunctions,
  rejectMisplacedTableFunctions,
} from './analyze-table-functions.ts'
import { UnsupportedStatementError } from '../parser/parser.ts'
import { planJoin, type PlannedJoin } from './analyze-join.ts'
import { checkJoinWithin, streamStreamJoinStep } from './analyze-stream-join.ts'
import { expressionKey, mapExpression, stripQualifiers, visitExpression } from './expression-utils.ts'

export interface QueryAnalysis {
  readonly source: DataSource
  readonly sourceStep: SourceStep
  readonly steps: readonly ExecutionStep[]
  readonly schema: LogicalSchema
  readonly isAggregate: boolean
  readonly isTable: boolean
  readonly window: WindowInfo | null
  readonly warnings: readonly string[]
  /** Output columns in SELECT order (transient queries print them so). */
  readonly selectOrder: readonly { readonly namespace: 'key' | 'value'; readonly index: number }[]
  /** State types of the aggregates (formats must be able to hold them). */
  readonly intermediateTypes: readonly SqlType[]
}

export interface AnalyzeOptions {
  readonly functions: FunctionRegistry
  /** Sink name for messages ("The query used to build `OUTPUT` ..."). */
  readonly sinkName: string
  readonly sinkType: 'STREAM' | 'TABLE' | null
  /** Partition count of a topic, when known (joins require co-partitioned inputs). */
  readonly partitionsOf?: (topic: string) => number | undefined
}

interface SelectEntry {
  readonly expr: Expression
  readonly alias: string | null
}

/** AST query + metastore → typed projection and the ordered execution steps (all errors raised here). */
export function analyzeQuery(query: Query, metastore: Metastore, options: AnalyzeOptions): QueryAnalysis {
  const source = metastore.get(query.from.name)
  if (source === undefined) {
    throw new StatementError(`${query.from.name} does not exist.`)
  }
  if (query.joins.length === 0) return analyzeQueryOver(query, source, options)
  // A join is analyzed as a query over the joined rows, behind a join step reading both sources.
  const join = planJoin(query, source, metastore, options.partitionsOf)
  const analysis = analyzeJoinedQuery(join, options)
  checkJoinWithin(join)
  if (join.unsupported !== null) throw new UnsupportedStatementError(join.unsupported)
  return {
    ...analysis,
    source,
    sourceStep: sourceStepOf(source, join.left.alias),
    steps: [joinStep(join), ...analysis.steps],
  }
}

/** The joined rows' query; a projection without the key names the join expression, as ksqlDB does. */
function analyzeJoinedQuery(join: PlannedJoin, options: AnalyzeOptions): QueryAnalysis {
  try {
    return analyzeQueryOver(join.query, join.joined, options)
  } catch (error) {
    const keyName = join.joined.schema.key[0]?.name
    if (
      error instanceof StatementError &&
      keyName !== undefined &&
      error.message.endsWith(
        `must include the key column ${keyName} in its projection (eg, SELECT ${keyName}...).`,
      )
    ) {
      const text = join.keyExpressionText
      throw new StatementError(
        `The query used to build \`${options.sinkName}\` must include the join expression ${text} in its projection (eg, SELECT ${text}...).`,
      )
    }
    throw error
  }
}

function joinStep(join: PlannedJoin): ExecutionStep {
  const right = sourceStepOf(join.right.source, join.right.alias)
  const schema = join.joined.schema
  if (join.kind === 'tableTable') return { kind: 'tableTableJoinV1', joinType: join.joinType, right, schema }
  if (join.kind === 'streamStream') return streamStreamJoinStep(join, right)
  const joinType = join.joinType === 'LEFT' ? 'LEFT' : 'INNER'
  return { kind: 'streamTableJoinV1', joinType, right, leftKey: join.leftKey, schema }
}

/** Analyzes a query reading one source (a stored one, or a join's rows). */
function analyzeQueryOver(query: Query, source: DataSource, options: AnalyzeOptions): QueryAnalysis {
  if (query.limit !== null && options.sinkType !== null) {
    throw new StatementError(`CREATE ${options.sinkType} AS SELECT statements don't support LIMIT clause.`)
  }
  const alias = query.from.alias ?? source.name
  const qualifiers = [source.name, alias]
  const functions = options.functions
  const windowedSource = source.window !== null
  const inputSlots = slotsOf(source.schema)
  const inputScope = (clause: string): ReturnType<typeof scopeOverSlots> =>
    scopeOverSlots(inputSlots, {
      functions,
      qualifiers,
      windowBounds: windowedSource,
      clause,
      onAggregate: (e) => aggregateNotAllowed(e, clause),
    })

  const entries = expandSelect(query, source, (e) => compileExpression(e, inputScope('SELECT')).type)
  if (options.sinkType !== null) {
    for (const e of entries) {
      if (e.alias !== null && RESERVED_OUTPUT_NAMES.has(e.alias)) {
        throw new StatementError(
          `\`${e.alias}\` is a reserved column name. You cannot use it as an alias for a column.`,
        )
      }
      const isPartitionKey = (query.partitionBy ?? []).some((k) => expressionKey(k) === expressionKey(e.expr))
      if (
        e.alias === null &&
        e.expr.kind === 'column' &&
        RESERVED_OUTPUT_NAMES.has(e.expr.name) &&
        !isPartitionKey
      ) {
        throw new StatementError(
          `Reserved column name in select: \`${e.expr.name}\`. Please remove or alias the column.`,
        )
      }
    }
  }
  checkFunctionsExist(query, functions)
  rejectMisplacedTableFunctions(query, functions)
  const steps: ExecutionStep[] = []
  const warnings: string[] = []

  if (query.where !== null) {
    checkNoWindowBounds(query.where, windowedSource, 'WHERE', query.window !== null)
    let where: Compiled
    try {
      where = compileExpression(query.where, inputScope('WHERE'))
    } catch (error) {
      if (
        error instanceof StatementError &&
        /^(Cannot compare |Error processing expression)/.test(error.message)
      ) {
        throw new StatementError(
          `Error in WHERE expression: ${error.message}\nStatement: ${formatExpression(stripQualifiers(query.where))}`,
        )
      }
      throw error
    }
    if (where.type !== null && where.type.kind !== 'BOOLEAN') {
      throw new StatementError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${formatExpression(query.where)} (${formatSqlType(where.type)}) instead.`,
      )
    }
    steps.push({ kind: 'filterV1', predicate: query.where })
  }

  const aggregateCalls = collectAggregates(
    [...entries.map((e) => e.expr), ...(query.having === null ? [] : [query.having])],
    functions,
  )
  const isAggregate = query.groupBy !== null || aggregateCalls.length > 0
  if (query.emit === 'FINAL' && (!isAggregate || query.window === null) && options.sinkType !== null) {
    throw new StatementError('EMIT FINAL is only supported for windowed aggregations.')
  }

  const tableFunctions = planTableFunctions(entries, {
    functions,
    sourceType: source.type,
    isAggregate,
    inputSlots,
    scope: inputScope('SELECT'),
  })
  if (tableFunctions !== null) {
    steps.push(tableFunctions.step)
    return analyzeProjection(query, source, tableFunctions.entries, steps, {
      ...options,
      qualifiers,
      inputSlots: [...tableFunctions.slots],
      warnings,
    })
  }

  if (!isAggregate) {
    if (query.having !== null) throw new StatementError('HAVING clause requires a GROUP BY clause.')
    if (query.window !== null) throw new StatementError('WINDOW clause requires a GROUP BY clause.')
    return analyzeProjection(query, source, entries, steps, { ...options, qualifiers, inputSlots, warnings })
  }

  // ------------------------------------------------------------------ aggregation
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
  const offending: string[] = []
  const aggScope = (clause: string, onColumn: (name: string) => void): ReturnType<typeof scopeOverSlots> =>
    scopeOverSlots(inputSlots, {
      functions,
      qualifiers,
      windowBounds: windowed || windowedSource,
      clause,
      substitute,
      onColumn,
    })

  // Keys: each grouping expression must be selected exactly once.
  const keyColumns: ProjectedColumn[] = []
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
  const valueColumns: ProjectedColumn[] = []
  const valueSchema: Column[] = []
  const selectOrder: { namespace: 'key' | 'value'; index: number }[] = []
  entries.forEach((e, i) => {
    if (keyEntryIndexes.has(i)) {
      const ki = keyColumns.findIndex((kc) => kc.expression === e.expr)
      selectOrder.push({ namespace: 'key', index: ki })
      const kc = keyColumns[ki] as ProjectedColumn
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
  checkDuplicates(keySchema, valueSchema)
  if (valueSchema.length === 0 && options.sinkType !== null) {
    throw new StatementError('The projection contains no value columns.')
  }
  const aggregates: AggregateCall[] = aggregateCalls.map((c) => ({
    name: c.name,
    args: c.args,
    star: c.star,
  }))
  steps.push({
    kind: 'aggregateV1',
    groupBy,
    aggregates,
    window: query.window,
    having: query.having,
    keyColumns,
    valueColumns,
    emitFinal: query.emit === 'FINAL',
  })
  if (query.window !== null) validateWindow(query.window, query.emit === 'FINAL')
  return {
    source,
    sourceStep: sourceStepOf(source, alias),
    steps,
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

function validateWindow(window: NonNullable<Query['window']>, emitFinal: boolean): void {
  const retention = retentionError(window, effectiveGraceMs(window, emitFinal))
  if (retention !== null) throw new StatementError(retention)
  if (window.type === 'HOPPING' && window.advanceMs !== null) {
    if (window.advanceMs <= 0) throw new StatementError('ADVANCE BY must be positive.')
    if (window.advanceMs > window.sizeMs) {
      throw new StatementError(
        `ADVANCE BY (${window.advanceMs}) must be less than or equal to SIZE (${window.sizeMs})`,
      )
    }
  }
}

function analyzeProjection(
  query: Query,
  source: DataSource,
  entries: readonly SelectEntry[],
  steps: ExecutionStep[],
  options: AnalyzeOptions & { qualifiers: string[]; inputSlots: ColumnSlot[]; warnings: string[] },
): QueryAnalysis {
  const { functions, qualifiers } = options
  const windowedSource = source.window !== null
  let slots = options.inputSlots
  let keyExpressions: readonly Expression[] | null = null
  let partitionTypes: SqlType[] = []
  if (query.partitionBy !== null) {
    if (source.type === 'TABLE')
      throw new StatementError('Unsupported: PARTITION BY on a TABLE. Use GROUP BY to re-key a table.')
    if (query.partitionBy.length === 0)
      throw new StatementError('PARTITION BY requires at least one expression')
    const isNull = query.partitionBy.map((e) => e.kind === 'literal' && e.type === 'NULL')
    if (isNull.some(Boolean) && query.partitionBy.length > 1)
      throw new StatementError('Cannot PARTITION BY multiple columns including NULL')
    keyExpressions = isNull[0] === true ? [] : query.partitionBy
    const scope = scopeOverSlots(slots, {
      functions,
      qualifiers,
      windowBounds: windowedSource,
      clause: 'PARTITION BY',
      onAggregate: (e) => aggregateNotAllowed(e, 'PARTITION BY'),
    })
    partitionTypes = keyExpressions.map((e) => {
      try {
        return compileExpression(e, scope).type ?? { kind: 'STRING' as const }
      } catch (error) {
        const m = /column '([^']+)' cannot be resolved/.exec((error as Error).message)
        if (m !== null) {
          throw new StatementError(
            `PARTITION BY column '${m[1]}' cannot be resolved. '${m[1]}' must be a column in the source schema since PARTITION BY is applied on the input.`,
          )
        }
        throw error
      }
    })
    steps.push({ kind: 'partitionByV1', keyExpressions })
    // After re-keying, old key and value columns are all in the value, in that order.
    slots = options.inputSlots.map((s) => ({
      ...s,
      namespace: 'value' as const,
      index: s.namespace === 'key' ? s.index : source.schema.key.length + s.index,
    }))
  }
  const partitionKeys = keyExpressions?.map(expressionKey) ?? []
  const substitute =
    keyExpressions === null
      ? undefined
      : (e: Expression): Compiled | undefined => {
          const i = partitionKeys.indexOf(expressionKey(e))
          return i < 0
            ? undefined
            : { type: partitionTypes[i] as SqlType, evaluate: (row) => row.key[i] ?? null }
        }
  const scope = scopeOverSlots(slots, {
    functions,
    qualifiers,
    windowBounds: windowedSource,
    ...(substitute === undefined ? {} : { substitute }),
    onAggregate: (e) => aggregateNotAllowed(e, 'SELECT'),
  })
  const usedNames = new Set<string>([...source.schema.key, ...source.schema.value].map((c) => c.name))
  const namer = createColumnNamer(usedNames)
  const keyColumns: ProjectedColumn[] = []
  const keySchema: Column[] = []
  const valueColumns: ProjectedColumn[] = []
  const valueSchema: Column[] = []
  const sourceKeyNames = source.schema.key.map((c) => c.name)

  const keyEntry = new Map<number, number>() // entry index → key position
  if (keyExpressions !== null) {
    const missing: string[] = []
    keyExpressions.forEach((k, ki) => {
      const kk = partitionKeys[ki] as string
      const matches = entries.map((e, i) => ({ e, i })).filter(({ e }) => expressionKey(e.expr) === kk)
      if (matches.length === 0) missing.push(formatExpression(qualifyAll(k, query.from.alias ?? source.name)))
      else if (matches.length > 1) {
        const names = matches.map(({ e }) => e.alias ?? defaultName(e.expr) ?? '')
        throw new StatementError(
          `The projection contains a key column (\`${formatExpression(stripQualifiers(k))}\`) more than once, aliased as: ${names.join(' and ')}.`,
        )
      } else keyEntry.set((matches[0] as { i: number }).i, ki)
    })
    if (missing.length > 0) {
      // ksqlDB lists every partitioning expression once any is missing.
      missing.splice(
        0,
        missing.length,
        ...keyExpressions.map((k) => formatExpression(qualifyAll(k, query.from.alias ?? source.name))),
      )
      const plural = missing.length > 1
      const list = plural
        ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`
        : missing[0]
      throw new StatementError(
        `The query used to build \`${options.sinkName}\` must include the partitioning expression${plural ? 's' : ''} ${list} in its projection (eg, SELECT ${missing.join(', ')}...).`,
      )
    }
  } else {
    entries.forEach((e, i) => {
      const expr = e.expr
      if (expr.kind !== 'column' || !sourceKeyNames.includes(expr.name)) return
      const previous = [...keyEntry.keys()].find(
        (j) => ((entries[j] as SelectEntry).expr as { name?: string }).name === expr.name,
      )
      if (previous === undefined) {
        keyEntry.set(i, sourceKeyNames.indexOf(expr.name))
        return
      }
      // Streams may not carry the same key twice; a table projection just copies it into the value.
      if (options.sinkType !== null && source.type === 'STREAM') {
        const first = entries[previous] as SelectEntry
        throw new StatementError(
          `The projection contains a key column (\`${expr.name}\`) more than once, aliased as: ${first.alias ?? expr.name} and ${e.alias ?? expr.name}.`,
        )
      }
    })
    if (options.sinkType !== null) {
      const selectedKeys = new Set(
        [...keyEntry.keys()].map((i) => ((entries[i] as SelectEntry).expr as { name: string }).name),
      )
      const missing = sourceKeyNames.some((n) => !selectedKeys.has(n)) ? sourceKeyNames : []
      if (missing.length > 0) {
        const plural = missing.length > 1
        const list = plural
          ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`
          : missing[0]
        throw new StatementError(
          `The query used to build \`${options.sinkName}\` must include the key column${plural ? 's' : ''} ${list} in its projection (eg, SELECT ${missing.join(', ')}...).`,
        )
      }
    }
  }
  // Key columns are ordered as the source key / partition expressions, not as selected.
  const keyOrder = [...keyEntry.entries()].sort((a, b) => a[1] - b[1])
  for (const [i] of keyOrder) {
    const e = entries[i] as SelectEntry
    const compiled = compileExpression(e.expr, scope)
    const name = e.alias ?? defaultName(e.expr) ?? ''
    keyColumns.push({ name, expression: e.expr })
    keySchema.push({ name, type: compiled.type ?? { kind: 'STRING' } })
  }
  const selectOrder: { namespace: 'key' | 'value'; index: number }[] = []
  entries.forEach((e, i) => {
    if (keyEntry.has(i)) {
      const pos = keyOrder.findIndex(([j]) => j === i)
      selectOrder.push({ namespace: 'key', index: pos })
      const kc = keyColumns[pos] as ProjectedColumn
      if (kc.name === '') {
        const name = namer.generated()
        keyColumns[pos] = { name, expression: kc.expression }
        keySchema[pos] = { name, type: (keySchema[pos] as Column).type }
      } else namer.claim(kc.name)
      return
    }
    checkNoWindowBounds(e.expr, windowedSource, 'SELECT')
    const compiled = compileExpression(e.expr, scope)
    if (compiled.type === null) {
      throw new StatementError(
        "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).",
      )
    }
    const name = e.alias ?? namer.nameFor(e.expr)
    if (e.alias !== null) namer.claim(e.alias)
    selectOrder.push({ namespace: 'value', index: valueColumns.length })
    valueColumns.push({ name, expression: e.expr })
    valueSchema.push({ name, type: compiled.type ?? { kind: 'STRING' } })
  })
  checkDuplicates(keySchema, valueSchema)
  if (valueSchema.length === 0 && options.sinkType !== null)
    throw new StatementError('The projection contains no value columns.')
  steps.push({ kind: 'projectV1', keyColumns, valueColumns })
  const alias = query.from.alias ?? source.name
  return {
    source,
    sourceStep: sourceStepOf(source, alias),
    steps,
    schema: { key: keySchema, value: valueSchema },
    isAggregate: false,
    isTable: source.type === 'TABLE',
    window: source.window,
    warnings: options.warnings,
    selectOrder,
    intermediateTypes: [],
  }
}

function sourceStepOf(source: DataSource, alias: string): SourceStep {
  return {
    kind: 'sourceV1',
    name: source.name,
    alias,
    sourceType: source.type,
    topic: source.topic,
    schema: source.schema,
    formats: source.formats,
    window: source.window,
    timestampColumn: source.timestampColumn,
    timestampFormat: source.timestampFormat,
  }
}

const SYSTEM_NAMES = new Set(['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'])
const RESERVED_OUTPUT_NAMES = SYSTEM_NAMES

/** Every column reference qualified with the source, as ksqlDB prints expressions in some errors. */
function qualifyAll(expr: Expression, qualifier: string): Expression {
  return mapExpression(expr, (e) =>
    e.kind === 'column' && e.qualifier === null && !SYSTEM_NAMES.has(e.name) ? { ...e, qualifier } : e,
  )
}

function aggregateNotAllowed(expr: Expression & { kind: 'call' }, clause: string): never {
  if (clause === 'WHERE')
    throw new StatementError(
      `Aggregate functions can not be used in the WHERE clause: ${formatExpression(expr)}`,
    )
  throw new StatementError(`Use of aggregate function ${expr.name} requires a GROUP BY clause.`)
}

function checkNoWindowBounds(
  expr: Expression,
  windowedSource: boolean,
  clause: string,
  windowedAggregation = false,
): void {
  if (windowedSource) return
  visitExpression(expr, (e) => {
    if (e.kind === 'column' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND') && clause === 'WHERE') {
      throw new StatementError(
        windowedAggregation
          ? `Error in WHERE expression: Unknown column ${e.name}.`
          : `WHERE column '${e.name}' cannot be resolved.`,
      )
    }
    if (e.kind === 'column' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND') && clause !== 'SELECT') {
      throw new StatementError(
        `Window bounds column ${e.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`,
      )
    }
  })
}

function expandSelect(
  query: Query,
  source: DataSource,
  typeOf: (expr: Expression) => SqlType | null,
): SelectEntry[] {
  const entries: SelectEntry[] = []
  const column = (name: string): SelectEntry => ({
    expr: { kind: 'column', qualifier: null, name },
    alias: null,
  })
  for (const item of query.select) {
    if (item.kind === 'all') {
      if (item.qualifier !== null && item.qualifier !== source.name && item.qualifier !== query.from.alias) {
        throw new StatementError(`'${item.qualifier}' is not a valid stream/table name or alias.`)
      }
      const partitionBy = query.partitionBy
      if (partitionBy !== null && !(partitionBy.length === 1 && partitionBy[0]?.kind === 'literal')) {
        // After PARTITION BY the key is the partition expressions; moved columns leave the value and
        // the old key columns follow the value columns.
        const moved = new Set(
          partitionBy.filter((e) => e.kind === 'column').map((e) => (e as { name: string }).name),
        )
        for (const e of partitionBy) entries.push({ expr: e, alias: null })
        for (const c of source.schema.value) if (!moved.has(c.name)) entries.push(column(c.name))
        for (const c of source.schema.key) if (!moved.has(c.name)) entries.push(column(c.name))
        continue
      }
      if (partitionBy !== null) {
        for (const c of [...source.schema.value, ...source.schema.key]) entries.push(column(c.name))
        continue
      }
      for (const c of [...source.schema.key, ...source.schema.value]) entries.push(column(c.name))
    } else if (item.kind === 'structAll') {
      const type = typeOf(item.struct)
      if (type?.kind !== 'STRUCT') {
        throw new StatementError(`Expected STRUCT type for ${formatExpression(item.struct)}->*`)
      }
      for (const f of type.fields) {
        entries.push({ expr: { kind: 'deref', base: item.struct, field: f.name }, alias: f.name })
      }
    } else entries.push({ expr: item.expr, alias: item.alias })
  }
  return entries
}

/** Unknown functions are reported before any GROUP BY/aggregate rule, as ksqlDB does. */
function checkFunctionsExist(query: Query, functions: FunctionRegistry): void {
  const exprs: Expression[] = [
    ...query.select.flatMap((i) => (i.kind === 'expr' ? [i.expr] : i.kind === 'structAll' ? [i.struct] : [])),
    ...(query.where === null ? [] : [query.where]),
    ...(query.groupBy ?? []),
    ...(query.partitionBy ?? []),
    ...(query.having === null ? [] : [query.having]),
  ]
  for (const expr of exprs) {
    visitExpression(expr, (e) => {
      if (
        e.kind === 'call' &&
        e.name !== 'AS_VALUE' &&
        !LAMBDA_FUNCTIONS.has(e.name) &&
        functions.scalar(e.name) === undefined &&
        functions.tableFunction(e.name) === undefined &&
        !functions.isAggregate(e.name)
      ) {
        throw new StatementError(`Can't find any functions with the name '${e.name}'`)
      }
    })
  }
}

function containsAggregate(expr: Expression, functions: FunctionRegistry): boolean {
  let found = false
  visitExpression(expr, (e) => {
    if (e.kind === 'call' && functions.isAggregate(e.name)) found = true
  })
  return found
}

function collectAggregates(
  exprs: readonly Expression[],
  functions: FunctionRegistry,
): (Expression & { kind: 'call' })[] {
  const found: (Expression & { kind: 'call' })[] = []
  const keys = new Set<string>()
  for (const expr of exprs) {
    visitExpression(expr, (e) => {
      if (e.kind === 'call' && functions.isAggregate(e.name)) {
        for (const arg of e.args) {
          visitExpression(arg, (inner) => {
            if (inner.kind === 'call' && functions.isAggregate(inner.name)) {
              throw new StatementError(
                `Aggregate functions can not be nested: ${formatExpression(stripQualifiers(e))}`,
              )
            }
          })
        }
        const k = expressionKey(e)
        if (!keys.has(k)) {
          keys.add(k)
          found.push(e)
        }
        return false
      }
      return undefined
    })
  }
  return found
}

function resolveAggregateType(
  call: Expression & { kind: 'call' },
  functions: FunctionRegistry,
  scope: ReturnType<typeof scopeOverSlots>,
): { readonly returnType: SqlType; readonly intermediateType?: SqlType } {
  const fn = functions.aggregate(call.name)
  if (fn === undefined) throw new StatementError(`Can't find any functions with the name '${call.name}'`)
  const args = call.args.map((a) => compileExpression(a, scope))
  for (const a of call.args) {
    visitExpression(a, (e) => {
      if (e.kind === 'column' && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND')) {
        throw new StatementError(
          `Window bounds column ${e.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`,
        )
      }
    })
  }
  const resolution = fn.resolve(
    args.map((a) => (a.literal !== undefined ? { type: a.type, literal: a.literal } : { type: a.type })),
  )
  if (!resolution.ok) throw new StatementError(resolution.message)
  return resolution.value as { readonly returnType: SqlType; readonly intermediateType?: SqlType }
}

/** The name ksqlDB gives an unaliased select expression, or undefined when it generates KSQL_COL_n. */
export function defaultName(expr: Expression): string | undefined {
  // A table function's value column is named like any other unaliased expression.
  if (expr.kind === 'column') return isSyntheticColumn(expr.name) ? undefined : expr.name
  if (expr.kind === 'deref') return expr.field
  return undefined
}

interface ColumnNamer {
  nameFor(expr: Expression): string
  generated(): string
  claim(name: string): void
}

function createColumnNamer(sourceNames: ReadonlySet<string>): ColumnNamer {
  const used = new Set<string>()
  let counter = 0
  const generated = (): string => {
    for (;;) {
      const name = `KSQL_COL_${counter++}`
      if (!sourceNames.has(name) && !used.has(name)) {
        used.add(name)
        return name
      }
    }
  }
  return {
    generated,
    claim: (name) => {
      used.add(name)
    },
    nameFor(expr) {
      if (expr.kind === 'column' && !isSyntheticColumn(expr.name)) {
        used.add(expr.name)
        return expr.name
      }
      if (expr.kind === 'deref') {
        let name = expr.field
        for (let i = 1; used.has(name) || sourceNames.has(name); i++) name = `${expr.field}_${i}`
        used.add(name)
        return name
      }
      return generated()
    },
  }
}

function checkDuplicates(key: readonly Column[], value: readonly Column[]): void {
  const seen = new Set<string>()
  for (const c of key) seen.add(c.name)
  for (const c of value) {
    if (seen.has(c.name)) {
      throw new StatementError(
        `Duplicate value columns found in schema: \`${c.name}\` ${formatSqlType(c.type)}`,
      )
    }
    seen.add(c.name)
  }
}

/** Lab trap (lab.md §4): grouping by a masked column merges distinct entities into one key. */
function maskedGroupingWarnings(groupBy: readonly Expression[]): string[] {
  const warnings: string[] = []
  for (const g of groupBy) {
    visitExpression(g, (e) => {
      if (e.kind === 'call' && e.name.startsWith('MASK')) {
        warnings.push(
          `GROUP BY ${formatExpression(stripQualifiers(g))} groups by a masked value: ${e.name} maps many distinct values to the same key, so their rows merge into one group. Group by the unmasked column and mask it in the projection instead.`,
        )
        return false
      }
      return undefined
    })
  }
  return warnings
}

export function keyFormatSupports(format: KeyFormat, columns: readonly Column[]): string | null {
  if (format === 'KAFKA' && columns.length > 1) {
    return `The 'KAFKA' format only supports a single field. Got: [${columns.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`).join(', ')}]`
  }
  if (format === 'KAFKA' || format === 'DELIMITED') {
    for (const c of columns) {
      if (format === 'KAFKA' && !['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'].includes(c.type.kind)) {
        return `The 'KAFKA' format does not support type '${c.type.kind}'`
      }
      if (format === 'DELIMITED' && ['ARRAY', 'MAP', 'STRUCT'].includes(c.type.kind)) {
        return `The 'DELIMITED' format does not support type '${c.type.kind}', column: \`${c.name}\``
      }
    }
  }
  return null
}

export function valueFormatName(format: ValueFormat): string {
  return format
}
