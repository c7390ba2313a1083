import { compileExpression, type Compiled } from '../expression/compile-expression.ts'
import { scopeOverSlots, type ColumnSlot } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Column, DataSource } from '../metastore/source.ts'
import type { Expression, Query } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import type { AnalyzedColumn, QueryAnalysis } from '../planner/analysis.ts'
import type { SqlType } from '../types/sql-type.ts'
import type { AnalyzeOptions, InputClauses } from './analyze-query.ts'
import { expressionKey, stripQualifiers } from '../expression/expression-utils.ts'
import {
  aggregateNotAllowed,
  checkDuplicates,
  checkNoWindowBounds,
  createColumnNamer,
  defaultName,
  qualifyAll,
  type SelectEntry,
} from './query-helpers.ts'

export function analyzeProjection(
  query: Query,
  source: DataSource,
  entries: readonly SelectEntry[],
  clauses: InputClauses,
  options: AnalyzeOptions & { qualifiers: string[]; inputSlots: ColumnSlot[]; warnings: string[] },
): QueryAnalysis {
  const { functions, qualifiers } = options
  const windowedSource = source.window !== null
  const partition = analyzePartitionBy(query, source, options)
  const slots = partition?.slots ?? options.inputSlots
  const keyExpressions = partition?.keyExpressions ?? null
  const partitionTypes = partition?.types ?? []
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
  const keyColumns: AnalyzedColumn[] = []
  const keySchema: Column[] = []
  const valueColumns: AnalyzedColumn[] = []
  const valueSchema: Column[] = []
  const keyEntry = matchKeyEntries(query, source, entries, keyExpressions, partitionKeys, options)
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
      const kc = keyColumns[pos] as AnalyzedColumn
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
  return {
    source,
    alias: query.from.alias ?? source.name,
    joins: [],
    ...clauses,
    partitionBy: keyExpressions,
    aggregation: null,
    projection: { keyColumns, valueColumns },
    emit: query.emit,
    limit: query.limit,
    schema: { key: keySchema, value: valueSchema },
    isAggregate: false,
    isTable: source.type === 'TABLE',
    window: source.window,
    warnings: options.warnings,
    selectOrder,
    intermediateTypes: [],
  }
}

interface PartitionBy {
  readonly keyExpressions: readonly Expression[]
  /** The input columns as the projection after PARTITION BY reads them. */
  readonly slots: ColumnSlot[]
  readonly types: SqlType[]
}

/** PARTITION BY: re-keys the stream before the projection, or null without one. */
function analyzePartitionBy(
  query: Query,
  source: DataSource,
  options: AnalyzeOptions & { qualifiers: string[]; inputSlots: ColumnSlot[] },
): PartitionBy | null {
  if (query.partitionBy === null) return null
  const { functions, qualifiers } = options
  const windowedSource = source.window !== null
  if (source.type === 'TABLE')
    throw new StatementError('Unsupported: PARTITION BY on a TABLE. Use GROUP BY to re-key a table.')
  if (query.partitionBy.length === 0)
    throw new StatementError('PARTITION BY requires at least one expression')
  const isNull = query.partitionBy.map((e) => e.kind === 'literal' && e.type === 'NULL')
  if (isNull.some(Boolean) && query.partitionBy.length > 1)
    throw new StatementError('Cannot PARTITION BY multiple columns including NULL')
  const keyExpressions = isNull[0] === true ? [] : query.partitionBy
  const scope = scopeOverSlots(options.inputSlots, {
    functions,
    qualifiers,
    windowBounds: windowedSource,
    clause: 'PARTITION BY',
    onAggregate: (e) => aggregateNotAllowed(e, 'PARTITION BY'),
  })
  const types = keyExpressions.map((e) => {
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
  // After re-keying, old key and value columns are all in the value, in that order.
  const slots = options.inputSlots.map((s) => ({
    ...s,
    namespace: 'value' as const,
    index: s.namespace === 'key' ? s.index : source.schema.key.length + s.index,
  }))
  return { keyExpressions, slots, types }
}

/** Which select entries are key columns (entry index → key position); checks every key is selected once. */
function matchKeyEntries(
  query: Query,
  source: DataSource,
  entries: readonly SelectEntry[],
  keyExpressions: readonly Expression[] | null,
  partitionKeys: readonly string[],
  options: AnalyzeOptions,
): Map<number, number> {
  const sourceKeyNames = source.schema.key.map((c) => c.name)
  const keyEntry = new Map<number, number>() // entry index → key position
  const projectsSelectedKeys =
    options.newQueryPlanner === true && source.type === 'STREAM' && options.sinkType !== null
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
      if (projectsSelectedKeys) {
        keyEntry.set(i, i)
        return
      }
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
          // ksqlDB names the aliases in sorted order.
          `The projection contains a key column (\`${expr.name}\`) more than once, aliased as: ${[first.alias ?? expr.name, e.alias ?? expr.name].sort().join(' and ')}.`,
        )
      }
    })
    if (options.sinkType !== null && !projectsSelectedKeys) {
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
  return keyEntry
}
