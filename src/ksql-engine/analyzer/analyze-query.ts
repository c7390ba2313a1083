import { compileExpression, type Compiled } from '../expression/compile-expression.ts'
import { BetweenTypeError } from '../expression/compile-predicates.ts'
import { scopeOverSlots, slotsOf } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import type { Metastore } from '../metastore/metastore.ts'
import type { DataSource } from '../metastore/source.ts'
import type { Expression, Query } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import type { AnalyzedJoin, QueryAnalysis } from '../planner/analysis.ts'
import { formatSqlType } from '../types/sql-type.ts'
import { planTableFunctions, rejectMisplacedTableFunctions } from './analyze-table-functions.ts'
import { UnsupportedStatementError } from '../parser/parser.ts'
import { planJoin, type JoinLink, type PlannedJoin } from './analyze-join.ts'
import { missingForeignKeyJoinKeys } from './analyze-fk-join.ts'
import { checkJoinWithin, missingJoinKeyMessage, streamStreamJoinOf } from './analyze-stream-join.ts'
import { expressionKey, stripQualifiers } from '../expression/expression-utils.ts'
import { analyzeAggregation } from './analyze-aggregation.ts'
import { analyzeProjection } from './analyze-projection.ts'
import {
  aggregateNotAllowed,
  checkFunctionsExist,
  checkNoWindowBounds,
  collectAggregates,
  expandSelect,
  RESERVED_OUTPUT_NAMES,
} from './query-helpers.ts'

export type { QueryAnalysis } from '../planner/analysis.ts'

/** The clauses analyzed before the projection or aggregation: WHERE and the table functions. */
export interface InputClauses {
  readonly where: Expression | null
  readonly tableFunctions: QueryAnalysis['tableFunctions']
}

export interface AnalyzeOptions {
  readonly functions: FunctionRegistry
  /** Sink name for messages ("The query used to build `OUTPUT` ..."). */
  readonly sinkName: string
  readonly sinkType: 'STREAM' | 'TABLE' | null
  /** Partition count of a topic, when known (joins require co-partitioned inputs). */
  readonly partitionsOf?: (topic: string) => number | undefined
  /**
   * `ksql.new.query.planner.enabled`: a stream projection's key is the key columns it selects, in
   * SELECT order (none selected: no key), instead of requiring every source key column.
   */
  readonly newQueryPlanner?: boolean
  /** A pull query (no EMIT): its BETWEEN type errors read "Invalid expression: ...". */
  readonly pullQuery?: boolean
}

/** AST query + metastore → the resolved query as data for the planner (all errors raised here). */
export function analyzeQuery(query: Query, metastore: Metastore, options: AnalyzeOptions): QueryAnalysis {
  const source = metastore.get(query.from.name)
  if (source === undefined) {
    throw new StatementError(`${query.from.name} does not exist.`)
  }
  if (query.joins.length === 0) {
    if (options.sinkType !== null && source.type === 'TABLE' && source.window !== null)
      throw new StatementError('KSQL does not support persistent queries on windowed tables.')
    return analyzeQueryOver(query, source, options)
  }
  // A join is analyzed as a query over the joined rows, behind a join step reading both sources.
  const join = planJoin(query, source, metastore, options.partitionsOf, options.functions)
  // ksqlDB runs no persistent query over a windowed table, joined or not.
  const windowedTable = [join.left.source, join.right.source].some(
    (s) => s.type === 'TABLE' && s.window !== null,
  )
  if (options.sinkType !== null && windowedTable)
    throw new StatementError('KSQL does not support persistent queries on windowed tables.')
  const analysis = analyzeJoinedQuery(join, { ...options, newQueryPlanner: false })
  checkJoinWithin(join)
  if (join.unsupported !== null) throw new UnsupportedStatementError(join.unsupported)
  return {
    ...analysis,
    source,
    alias: join.left.alias,
    joins:
      join.kind === 'streamStream' && join.links === undefined
        ? [streamStreamJoinOf(join)]
        : (join.links ?? [linkOf(join)]).map(analyzedJoinOf),
  }
}

/** The joined rows' query; a projection without the key names the join expression, as ksqlDB does. */
function analyzeJoinedQuery(join: PlannedJoin, options: AnalyzeOptions): QueryAnalysis {
  // A foreign-key join's result is keyed by the left table's key: a sink needs all of it.
  if (join.kind === 'foreignKey' && options.sinkType !== null) {
    const missing = missingForeignKeyJoinKeys(join.query, join.left.alias, join.left.source.schema.key)
    if (missing !== null) throw missing
  }
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
      throw new StatementError(
        missingJoinKeyMessage(join.viableKeys ?? [join.keyExpressionText], options.sinkName),
      )
    }
    throw error
  }
}

function linkOf(join: PlannedJoin): JoinLink {
  const { kind, joinType, right, leftKey } = join
  return { kind, joinType, right, leftKey, schema: join.joined.schema }
}

/** A join link as the analysis states it; a stream row's lookup of a table is a stream-table join. */
function analyzedJoinOf(join: JoinLink): AnalyzedJoin {
  const right = { source: join.right.source, alias: join.right.alias }
  const schema = join.schema
  if (join.kind === 'tableTable') return { kind: 'tableTable', joinType: join.joinType, right, schema }
  const joinType = join.joinType === 'LEFT' ? 'LEFT' : 'INNER'
  if (join.kind === 'foreignKey')
    return { kind: 'foreignKey', joinType, right, foreignKey: join.leftKey, schema }
  return { kind: 'streamTable', joinType, right, leftKey: join.leftKey, schema }
}
/** Analyzes a query reading one source (a stored one, or a join's rows). */
function analyzeQueryOver(query: Query, source: DataSource, options: AnalyzeOptions): QueryAnalysis {
  if (query.limit !== null && query.limit < 0) throw new StatementError('LIMIT must not be negative.')
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
  const warnings: string[] = []
  const where = analyzeWhere(query, windowedSource, inputScope('WHERE'), options)

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
    const clauses = { where, tableFunctions: tableFunctions.calls }
    return analyzeProjection(query, source, tableFunctions.entries, clauses, {
      ...options,
      qualifiers,
      inputSlots: [...tableFunctions.slots],
      warnings,
    })
  }

  if (!isAggregate) {
    if (query.having !== null) throw new StatementError('HAVING clause requires a GROUP BY clause.')
    if (query.window !== null) throw new StatementError('WINDOW clause requires a GROUP BY clause.')
    const clauses = { where, tableFunctions: [] }
    return analyzeProjection(query, source, entries, clauses, {
      ...options,
      qualifiers,
      inputSlots,
      warnings,
    })
  }

  return analyzeAggregation({
    query,
    source,
    options,
    alias,
    qualifiers,
    inputSlots,
    inputScope,
    entries,
    aggregateCalls,
    where,
    warnings,
  })
}

/** WHERE type-checked over the input rows (a boolean), or null without one. */
function analyzeWhere(
  query: Query,
  windowedSource: boolean,
  scope: ReturnType<typeof scopeOverSlots>,
  options: AnalyzeOptions,
): Expression | null {
  if (query.where === null) return null
  checkNoWindowBounds(query.where, windowedSource, 'WHERE', query.window !== null)
  let compiledWhere: Compiled
  try {
    compiledWhere = compileExpression(query.where, scope)
  } catch (error) {
    if (
      error instanceof StatementError &&
      /^(Cannot compare |Error processing expression)/.test(error.message)
    ) {
      // Pull queries type-check their WHERE apart, with their own prefix.
      if (options.pullQuery === true && error instanceof BetweenTypeError)
        throw new StatementError(`Invalid expression: ${error.message}`)
      throw new StatementError(
        `Error in WHERE expression: ${error.message}\nStatement: ${formatExpression(stripQualifiers(query.where))}`,
      )
    }
    throw error
  }
  if (compiledWhere.type !== null && compiledWhere.type.kind !== 'BOOLEAN') {
    throw new StatementError(
      `Type error in WHERE expression: Should evaluate to boolean but is ${formatExpression(query.where)} (${formatSqlType(compiledWhere.type)}) instead.`,
    )
  }
  return query.where
}

export { defaultName, keyFormatSupports, valueFormatName } from './query-helpers.ts'
