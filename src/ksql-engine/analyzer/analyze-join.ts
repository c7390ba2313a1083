import { SYSTEM_COLUMNS } from '../expression/schema-scope.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Metastore } from '../metastore/metastore.ts'
import type { Column, DataSource, LogicalSchema } from '../metastore/source.ts'
import { UnsupportedStatementError } from '../parser/parser.ts'
import type { Expression, JoinClause, JoinWithin, Query, SelectItem } from '../parser/ast.ts'
import { formatExpression } from '../parser/format-sql.ts'
import { BIGINT, INTEGER, STRING } from '../types/sql-type.ts'
import { expressionKey, mapExpression, visitExpression } from './expression-utils.ts'
import {
  checkJoinSources,
  checkReservedJoinAliases,
  checkWindowedSources,
  joinExpressionType,
  windowColumnsOf,
} from './analyze-stream-join.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'

const PSEUDO_COLUMNS: readonly Column[] = [
  { name: 'ROWTIME', type: BIGINT },
  { name: 'ROWPARTITION', type: INTEGER },
  { name: 'ROWOFFSET', type: BIGINT },
]

/** The row's own system columns (window bounds are not columns of joined rows, as in ksqlDB). */
const SYSTEM_COLUMN_NAMES: ReadonlySet<string> = new Set(
  SYSTEM_COLUMNS.filter((c) => c !== 'WINDOWSTART' && c !== 'WINDOWEND'),
)

/** One side of a join: the source and the name its columns are prefixed with (`A` → `A_COL`). */
export interface JoinSide {
  readonly source: DataSource
  readonly alias: string
}

/**
 * A join seen as one source: the query rewritten over the joined row's columns (`A.COL` → `A_COL`),
 * the joined source it reads, and what the join step needs.
 */
export interface PlannedJoin {
  /** What the engine cannot run about this join (the caller throws it after analysis), or null. */
  readonly unsupported: string | null
  readonly kind: 'streamTable' | 'tableTable' | 'streamStream'
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
  readonly left: JoinSide
  readonly right: JoinSide
  /** Over the left source's own columns: the value each stream row looks up in the table. */
  readonly leftKey: Expression
  /** Over the right source's own columns: its join value (stream-stream joins re-key both sides). */
  readonly rightKey: Expression
  /** The WITHIN window as written (stream-stream joins need one, the others refuse one). */
  readonly within: JoinWithin | null
  /** The joined rows' source: the left source with the joined schema. */
  readonly joined: DataSource
  readonly query: Query
  /** The join expression as ksqlDB names it when the projection lacks the key (`T.USER_ID`). */
  /** The join expressions that may key the result (`L.A`, `R.A`), or `ROWKEY` when synthetic. */
  readonly keyExpressions: readonly string[]
}

/**
 * The joined schema as ksqlDB lays it out: key = the join key (named after the left join column,
 * alias-prefixed); value = each side's value columns, pseudo columns and key columns, prefixed.
 */
export function joinedSchema(left: JoinSide, right: JoinSide, key: Column): LogicalSchema {
  const sideColumns = (side: JoinSide): Column[] =>
    [...side.source.schema.value, ...PSEUDO_COLUMNS, ...windowColumnsOf(side), ...side.source.schema.key].map(
      (c) => ({
        name: `${side.alias}_${c.name}`,
        type: c.type,
      }),
    )
  return { key: [key], value: [...sideColumns(left), ...sideColumns(right)] }
}

/** Validates a join and rewrites the query over the joined row; unsupported kinds say so. */
export function planJoin(
  query: Query,
  left: DataSource,
  metastore: Metastore,
  partitionsOf: (topic: string) => number | undefined = () => undefined,
  functions?: FunctionRegistry,
): PlannedJoin {
  if (query.joins.length > 1) throw new UnsupportedStatementError('JOIN of more than two sources')
  const join = query.joins[0] as JoinClause
  const right = metastore.get(join.name)
  if (right === undefined) throw new StatementError(`${join.name} does not exist.`)
  const leftSide: JoinSide = { source: left, alias: query.from.alias ?? left.name }
  const rightSide: JoinSide = { source: right, alias: join.alias ?? right.name }
  checkReservedJoinAliases(query)
  checkJoinSources(leftSide, rightSide)
  const [leftExpr, rightExpr] = joinSides(join.criteria, leftSide, rightSide)
  if (left.type === 'STREAM' && right.type === 'TABLE') {
    const tableKey = right.schema.key
    if (
      tableKey.length !== 1 ||
      rightExpr.kind !== 'column' ||
      rightExpr.name !== (tableKey[0] as Column).name
    ) {
      throw new StatementError(
        `Invalid join condition: stream-table joins require to join on the table's primary key. Got ${formatExpression(qualified(leftExpr, leftSide))} = ${formatExpression(qualified(rightExpr, rightSide))}.`,
      )
    }
  }
  const kinds = `${left.type.toLowerCase()}-${right.type.toLowerCase()}`
  const soleKey = (side: JoinSide, e: Expression): boolean =>
    side.source.schema.key.length === 1 &&
    e.kind === 'column' &&
    e.name === (side.source.schema.key[0] as Column).name
  const kind =
    left.type === 'STREAM' && right.type === 'TABLE'
      ? 'streamTable'
      : left.type === 'STREAM' && right.type === 'STREAM'
        ? 'streamStream'
        : left.type === 'TABLE' &&
            right.type === 'TABLE' &&
            soleKey(leftSide, leftExpr) &&
            soleKey(rightSide, rightExpr)
          ? 'tableTable'
          : null
  // Joins the engine does not run are still analyzed, so invalid ones get ksqlDB's error first.
  const unsupported =
    kind === null ||
    join.type === 'CROSS' ||
    (kind === 'streamTable' && join.type !== 'INNER' && join.type !== 'LEFT')
      ? `${kinds} ${join.type === 'FULL' ? 'FULL OUTER' : join.type} JOIN${
          left.type === 'TABLE' && right.type === 'TABLE' ? ' not on both primary keys' : ''
        }`
      : null
  if (kind !== null) {
    checkWindowedSources(leftSide, rightSide, soleKey(leftSide, leftExpr), soleKey(rightSide, rightExpr))
  } else if (left.window !== null || right.window !== null) {
    throw new UnsupportedStatementError(`${kinds} JOIN of windowed sources`)
  }
  // A repartition keeps the stream's partition count, so the inputs must have the same count.
  const leftPartitions = partitionsOf(left.topic)
  const rightPartitions = partitionsOf(right.topic)
  if (leftPartitions !== undefined && rightPartitions !== undefined && leftPartitions !== rightPartitions) {
    const [l, r] = [leftSide.alias, rightSide.alias]
    throw new StatementError(
      `Can't join \`${l}\` with \`${r}\` since the number of partitions don't match. \`${l}\` partitions = ${leftPartitions}; \`${r}\` partitions = ${rightPartitions}. Please repartition either one so that the number of partitions match.`,
    )
  }
  const unqualifiedLeft = mapExpression(leftExpr, (e) =>
    e.kind === 'column' ? { ...e, qualifier: null } : e,
  )
  // ksqlDB names the key after the left join column (the right one for RIGHT joins), else the
  // right one, else a synthetic ROWKEY (always for FULL OUTER: either side may be missing).
  const keyName =
    join.type === 'FULL'
      ? 'ROWKEY'
      : join.type === 'RIGHT' && rightExpr.kind === 'column'
        ? `${rightSide.alias}_${rightExpr.name}`
        : unqualifiedLeft.kind === 'column'
          ? `${leftSide.alias}_${unqualifiedLeft.name}`
          : rightExpr.kind === 'column'
            ? `${rightSide.alias}_${rightExpr.name}`
            : 'ROWKEY'
  const columnType = (side: JoinSide, e: Expression): Column['type'] | undefined =>
    e.kind === 'column'
      ? [...side.source.schema.key, ...side.source.schema.value, ...PSEUDO_COLUMNS].find(
          (c) => c.name === e.name,
        )?.type
      : undefined
  const keyType =
    columnType(rightSide, rightExpr) ??
    columnType(leftSide, unqualifiedLeft) ??
    (functions === undefined ? null : joinExpressionType(rightSide, rightExpr, functions)) ??
    STRING
  const schema = joinedSchema(leftSide, rightSide, { name: keyName, type: keyType })
  // A join of windowed sources keeps the windows: both sides share the windowed key.
  const joined: DataSource = { ...left, schema, window: kind === null ? null : left.window }
  return {
    unsupported,
    kind: kind ?? 'streamTable',
    joinType: join.type === 'CROSS' ? 'INNER' : join.type,
    left: leftSide,
    right: rightSide,
    leftKey: unqualifiedLeft,
    rightKey: mapExpression(rightExpr, (e) => (e.kind === 'column' ? { ...e, qualifier: null } : e)),
    within: join.within,
    joined,
    keyExpressions:
      keyName === 'ROWKEY'
        ? ['ROWKEY']
        : (join.type === 'RIGHT'
            ? [qualified(rightExpr, rightSide), qualified(leftExpr, leftSide)]
            : [qualified(leftExpr, leftSide), qualified(rightExpr, rightSide)]
          )
            .filter((e) => e.kind === 'column')
            .map(formatExpression),
    query: rewriteQuery(query, leftSide, rightSide, {
      keyName,
      // With PARTITION BY, ksqlDB expands `*` over the whole joined row, pseudo columns included.
      partitionedStar: query.partitionBy === null ? null : schema.value.map((c) => c.name),
      // In an INNER join both join columns hold the key: selecting the right one keys the result.
      equivalentKey:
        join.type === 'INNER' && rightExpr.kind === 'column' && keyName !== 'ROWKEY'
          ? `${rightSide.alias}_${rightExpr.name}`
          : null,
    }),
  }
}

/** Orders the criteria's operands as (left side, right side); each must read exactly one source. */
function joinSides(criteria: Expression, left: JoinSide, right: JoinSide): [Expression, Expression] {
  if (criteria.kind !== 'comparison' || criteria.op !== '=') {
    if (criteria.kind === 'logical') {
      throw new StatementError(
        `Invalid join condition: joins on multiple conditions are not yet supported. Got ${formatExpression(criteria)}.`,
      )
    }
    throw new StatementError(
      `Unsupported join expression: ${formatExpression(criteria)}. Joins are only supported on equality.`,
    )
  }
  const sideOf = (e: Expression): 'left' | 'right' => {
    const sides = new Set<'left' | 'right'>()
    visitExpression(e, (x) => {
      if (x.kind === 'column') sides.add(resolveSide(x, left, right).side)
    })
    if (sides.size !== 1) {
      throw new StatementError(
        `Invalid comparison expression '${formatExpression(e)}' in join '${formatExpression(criteria)}'. Each side of the join comparision must contain references from exactly one source.`,
      )
    }
    return [...sides][0] as 'left' | 'right'
  }
  const a = sideOf(criteria.left)
  const b = sideOf(criteria.right)
  if (a === b) {
    throw new StatementError(
      `Each side of the join must reference exactly one source and not the same source. Left side references ${a === 'left' ? left.alias : right.alias} and right references ${b === 'left' ? left.alias : right.alias}`,
    )
  }
  return a === 'left' ? [criteria.left, criteria.right] : [criteria.right, criteria.left]
}

interface ResolvedColumn {
  readonly side: 'left' | 'right'
  readonly alias: string
}

function resolveSide(
  column: Expression & { kind: 'column' },
  left: JoinSide,
  right: JoinSide,
): ResolvedColumn {
  const hasColumn = (s: JoinSide): boolean =>
    [...s.source.schema.key, ...s.source.schema.value, ...PSEUDO_COLUMNS, ...windowColumnsOf(s)].some(
      (c) => c.name === column.name,
    )
  if (column.qualifier !== null) {
    for (const [side, s] of [
      ['left', left],
      ['right', right],
    ] as const) {
      if (column.qualifier === s.alias || (column.qualifier === s.source.name && s.alias === s.source.name)) {
        if (!hasColumn(s)) {
          throw new StatementError(`SELECT column '${column.qualifier}.${column.name}' cannot be resolved.`)
        }
        return { side, alias: s.alias }
      }
    }
    throw new StatementError(`'${column.qualifier}' is not a valid stream/table name or alias.`)
  }
  const inLeft = hasColumn(left)
  const inRight = hasColumn(right)
  if (inLeft && inRight) {
    throw new StatementError(
      `Column '${column.name}' is ambiguous. Could be ${left.alias}.${column.name} or ${right.alias}.${column.name}.`,
    )
  }
  if (inLeft) return { side: 'left', alias: left.alias }
  if (inRight) return { side: 'right', alias: right.alias }
  throw new StatementError(`SELECT column '${column.name}' cannot be resolved.`)
}

function qualified(expr: Expression, side: JoinSide): Expression {
  return mapExpression(expr, (e) =>
    e.kind === 'column' && e.qualifier === null ? { ...e, qualifier: side.alias } : e,
  )
}

/**
 * Rewrites every clause over the joined row: `A.COL` and unambiguous `COL` read `A_COL`. An
 * unaliased unqualified column keeps its own name in the output, as in ksqlDB; `*` expands to the
 * join key and both sides' columns (pseudo columns excluded).
 */
function rewriteQuery(
  query: Query,
  left: JoinSide,
  right: JoinSide,
  keys: {
    readonly keyName: string
    readonly equivalentKey: string | null
    readonly partitionedStar: readonly string[] | null
  },
): Query {
  const { keyName } = keys
  const rewrite = (expr: Expression): Expression =>
    mapExpression(expr, (e) => {
      if (e.kind !== 'column') return e
      // The synthetic key is a column of the joined rows only.
      if (e.qualifier === null && e.name === keyName && keyName === 'ROWKEY') return e
      // Unqualified system columns are the joined row's own (its time, partition, offset).
      if (e.qualifier === null && SYSTEM_COLUMN_NAMES.has(e.name)) return e
      const resolved = resolveSide(e, left, right)
      return { kind: 'column', qualifier: null, name: `${resolved.alias}_${e.name}` }
    })
  const column = (name: string): SelectItem => ({
    kind: 'expr',
    expr: { kind: 'column', qualifier: null, name },
    alias: null,
  })
  // `*` lists each side's key, window bounds and value columns, in ksqlDB's order.
  const sideItems = (s: JoinSide): SelectItem[] =>
    [...s.source.schema.key, ...windowColumnsOf(s), ...s.source.schema.value]
      .map((c) => `${s.alias}_${c.name}`)
      .filter((n) => n !== keyName)
      .map(column)
  const joinKey: Expression = { kind: 'column', qualifier: null, name: keyName }
  const sideColumnNames = (s: JoinSide): string[] =>
    [...s.source.schema.key, ...s.source.schema.value].map((c) => `${s.alias}_${c.name}`)
  const inBothSides = (name: string): boolean =>
    [left, right].every((s) =>
      [...s.source.schema.key, ...s.source.schema.value, ...PSEUDO_COLUMNS, ...windowColumnsOf(s)].some(
        (c) => c.name === name,
      ),
    )
  const selectsKey = query.select.some(
    (item) =>
      (item.kind === 'all' && (item.qualifier === null || item.qualifier === left.alias)) ||
      (item.kind === 'expr' && expressionKey(rewrite(item.expr)) === expressionKey(joinKey)),
  )
  let useEquivalentKey = keys.equivalentKey !== null && !selectsKey
  const select = query.select.flatMap((item): SelectItem[] => {
    switch (item.kind) {
      case 'all': {
        if (item.qualifier === null && keys.partitionedStar !== null) return keys.partitionedStar.map(column)
        if (item.qualifier === null) return [column(keyName), ...sideItems(left), ...sideItems(right)]
        const side = [left, right].find((s) => s.alias === item.qualifier || s.source.name === item.qualifier)
        if (side === undefined) {
          throw new StatementError(`'${item.qualifier}' is not a valid stream/table name or alias.`)
        }
        // `A.*` holds the key when the key is one of A's columns.
        if (sideColumnNames(side).includes(keyName)) return [column(keyName), ...sideItems(side)]
        if (side === left) return sideItems(side)
        return sideItems(side).map((item) => {
          if (!useEquivalentKey || item.kind !== 'expr' || expressionKey(item.expr) !== keys.equivalentKey)
            return item
          useEquivalentKey = false
          return { kind: 'expr', expr: joinKey, alias: keys.equivalentKey }
        })
      }
      case 'structAll':
        return [{ kind: 'structAll', struct: rewrite(item.struct) }]
      case 'expr': {
        // A column keeps its own name unless both sides have one of that name (then `A_COL`).
        const keepName =
          item.alias === null &&
          item.expr.kind === 'column' &&
          (item.expr.qualifier === null || !inBothSides(item.expr.name)) &&
          !SYSTEM_COLUMN_NAMES.has(item.expr.name)
            ? item.expr.name
            : item.alias
        const expr = rewrite(item.expr)
        if (useEquivalentKey && expr.kind === 'column' && expr.name === keys.equivalentKey) {
          useEquivalentKey = false
          return [{ kind: 'expr', expr: joinKey, alias: keepName ?? expr.name }]
        }
        return [{ kind: 'expr', expr, alias: keepName }]
      }
    }
  })
  const rewriteAll = (list: readonly Expression[] | null): Expression[] | null =>
    list === null ? null : list.map(rewrite)
  return {
    ...query,
    select,
    from: { name: query.from.name, alias: null },
    joins: [],
    where: query.where === null ? null : rewrite(query.where),
    groupBy: rewriteAll(query.groupBy),
    partitionBy: rewriteAll(query.partitionBy),
    having: query.having === null ? null : rewrite(query.having),
  }
}
