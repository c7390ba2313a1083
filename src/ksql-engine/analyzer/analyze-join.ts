import { StatementError } from '../expression/statement-error.ts'
import type { Metastore } from '../metastore/metastore.ts'
import type { Column, DataSource, LogicalSchema } from '../metastore/source.ts'
import { UnsupportedStatementError } from '../parser/parser.ts'
import type { Expression, JoinClause, JoinWithin, Query } from '../parser/ast.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import {
  checkJoinSources,
  checkReservedJoinAliases,
  checkWindowedSources,
  joinExpressionType,
} from './analyze-stream-join.ts'
import { formatExpression } from '../parser/format-sql.ts'
import { STRING } from '../types/sql-type.ts'
import { mapExpression } from './expression-utils.ts'
import { orderOperands, PSEUDO_COLUMNS, rewriteJoinQuery, windowColumnsOf } from './join-rewrite.ts'
import { classifyTableTableJoin, type TableJoinSide } from './analyze-fk-join.ts'
import { planJoinChain } from './analyze-join-chain.ts'

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
  readonly kind: 'streamTable' | 'tableTable' | 'foreignKey' | 'streamStream'
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'
  readonly left: JoinSide
  readonly right: JoinSide
  /** Over the left source's own columns: the value each stream row looks up in the table. */
  readonly leftKey: Expression
  /** Over the right source's own columns: its join value (stream-stream joins re-key both sides). */
  readonly rightKey?: Expression
  /** The WITHIN window as written (stream-stream joins need one, the others refuse one). */
  readonly within?: JoinWithin | null
  /** The joined rows' source: the left source with the joined schema. */
  readonly joined: DataSource
  readonly query: Query
  /** The join expression as ksqlDB names it when the projection lacks the key (`T.USER_ID`). */
  readonly keyExpressionText: string
  /** An N-way join: its join steps in order (absent: this one join is the only step). */
  readonly links?: readonly JoinLink[]
  /** An N-way join: every join expression that may key the result, for the missing-key error. */
  readonly viableKeys?: readonly string[]
}

/** One join step of a chain: its kind, the source it joins, the lookup key and the rows it emits. */
export interface JoinLink {
  readonly kind: PlannedJoin['kind']
  readonly joinType: PlannedJoin['joinType']
  readonly right: JoinSide
  /** Over the rows entering the step: the value looked up in the other source. */
  readonly leftKey: Expression
  readonly schema: LogicalSchema
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
  if (query.joins.length > 1) return planJoinChain(query, left, metastore, partitionsOf)
  const join = query.joins[0] as JoinClause
  const right = metastore.get(join.name)
  if (right === undefined) throw new StatementError(`${join.name} does not exist.`)
  const leftSide: JoinSide = { source: left, alias: query.from.alias ?? left.name }
  const rightSide: JoinSide = { source: right, alias: join.alias ?? right.name }
  checkReservedJoinAliases(query)
  checkJoinSources(leftSide, rightSide)
  const [leftExpr, rightExpr] = joinSides(join.criteria, leftSide, rightSide)
  if (left.type === 'STREAM' && right.type === 'TABLE')
    checkOnTableKey(leftSide, leftExpr, rightSide, rightExpr)
  const kinds = `${left.type.toLowerCase()}-${right.type.toLowerCase()}`
  const tableJoin =
    left.type === 'TABLE' && right.type === 'TABLE'
      ? classifyTableTableJoin(join, tableSide(leftSide, leftExpr), tableSide(rightSide, rightExpr))
      : null
  const kind =
    left.type === 'STREAM' && right.type === 'TABLE'
      ? 'streamTable'
      : left.type === 'STREAM' && right.type === 'STREAM'
        ? 'streamStream'
        : tableJoin === 'primaryKey'
          ? 'tableTable'
          : tableJoin === 'foreignKey'
            ? 'foreignKey'
            : null
  // Joins the engine does not run are still analyzed, so invalid ones get ksqlDB's error first.
  const unsupported =
    kind === null ||
    join.type === 'CROSS' ||
    (kind === 'streamTable' && join.type !== 'INNER' && join.type !== 'LEFT')
      ? `${kinds} ${join.type === 'FULL' ? 'FULL OUTER' : join.type} JOIN`
      : null
  const onKey = (side: JoinSide, e: Expression): boolean =>
    side.source.schema.key.length === 1 &&
    e.kind === 'column' &&
    e.name === (side.source.schema.key[0] as Column).name
  // Windowed sources join on their windowed keys (foreign-key joins refuse them on their own).
  if (kind !== null && kind !== 'foreignKey') {
    checkWindowedSources(leftSide, rightSide, onKey(leftSide, leftExpr), onKey(rightSide, rightExpr))
  } else if (left.window !== null || right.window !== null) {
    throw new UnsupportedStatementError(`${kinds} JOIN of windowed sources`)
  }
  // A foreign-key join subscribes across partitions: any partition counts.
  checkCoPartitioned(
    leftSide,
    kind === 'foreignKey' ? undefined : partitionsOf(left.topic),
    rightSide,
    partitionsOf(right.topic),
  )
  const unqualifiedLeft = mapExpression(leftExpr, (e) =>
    e.kind === 'column' ? { ...e, qualifier: null } : e,
  )
  const keyName = joinKeyName(join.type, leftSide, unqualifiedLeft, rightSide, rightExpr)
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
  const schema =
    kind === 'foreignKey'
      ? foreignKeyJoinSchema(leftSide, rightSide)
      : joinedSchema(leftSide, rightSide, { name: keyName, type: keyType })
  // A join of windowed sources keeps the windows: both sides share the windowed key.
  const joined: DataSource = {
    ...left,
    schema,
    window: kind === null || kind === 'foreignKey' ? null : left.window,
  }
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
    // Every join column may key the result (ksqlDB's missing-key error lists them); else ROWKEY.
    ...(keyName === 'ROWKEY' || kind === 'foreignKey'
      ? {}
      : {
          viableKeys: (join.type === 'RIGHT'
            ? [qualified(rightExpr, rightSide), qualified(leftExpr, leftSide)]
            : [qualified(leftExpr, leftSide), qualified(rightExpr, rightSide)]
          )
            .filter((e) => e.kind === 'column')
            .map(formatExpression),
        }),
    keyExpressionText:
      keyName === 'ROWKEY'
        ? 'ROWKEY'
        : formatExpression(
            join.type === 'RIGHT' ? qualified(rightExpr, rightSide) : qualified(leftExpr, leftSide),
          ),
    query: rewriteQuery(query, leftSide, rightSide, {
      keyName: kind === 'foreignKey' ? (schema.key[0] as Column).name : keyName,
      partitionedStar: query.partitionBy === null ? null : schema.value.map((c) => c.name),
      // In an INNER join both join columns hold the key: selecting the right one keys the result.
      equivalentKey:
        join.type === 'INNER' && rightExpr.kind === 'column' && keyName !== 'ROWKEY' && kind !== 'foreignKey'
          ? `${rightSide.alias}_${rightExpr.name}`
          : null,
    }),
  }
}

/** A stream-table join must use the table's primary key on its right side. */
function checkOnTableKey(
  leftSide: JoinSide,
  leftExpr: Expression,
  rightSide: JoinSide,
  rightExpr: Expression,
): void {
  const tableKey = rightSide.source.schema.key
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

/** A repartition keeps the stream's partition count, so the inputs must have the same count. */
function checkCoPartitioned(
  leftSide: JoinSide,
  leftPartitions: number | undefined,
  rightSide: JoinSide,
  rightPartitions: number | undefined,
): void {
  if (leftPartitions === undefined || rightPartitions === undefined || leftPartitions === rightPartitions)
    return
  const [l, r] = [leftSide.alias, rightSide.alias]
  throw new StatementError(
    `Can't join \`${l}\` with \`${r}\` since the number of partitions don't match. \`${l}\` partitions = ${leftPartitions}; \`${r}\` partitions = ${rightPartitions}. Please repartition either one so that the number of partitions match.`,
  )
}

/**
 * ksqlDB names the key after the left join column (the right one for RIGHT joins), else the
 * right one, else a synthetic ROWKEY (always for FULL OUTER: either side may be missing).
 */
function joinKeyName(
  joinType: JoinClause['type'],
  leftSide: JoinSide,
  leftExpr: Expression,
  rightSide: JoinSide,
  rightExpr: Expression,
): string {
  if (joinType === 'FULL') return 'ROWKEY'
  if (joinType === 'RIGHT' && rightExpr.kind === 'column') return `${rightSide.alias}_${rightExpr.name}`
  if (leftExpr.kind === 'column') return `${leftSide.alias}_${leftExpr.name}`
  return rightExpr.kind === 'column' ? `${rightSide.alias}_${rightExpr.name}` : 'ROWKEY'
}

/** A foreign-key join's rows are keyed by the left table's key (`A_K`), value laid out as any join's. */
function foreignKeyJoinSchema(left: JoinSide, right: JoinSide): LogicalSchema {
  const key = left.source.schema.key.map((c) => ({ name: `${left.alias}_${c.name}`, type: c.type }))
  return { key, value: joinedSchema(left, right, key[0] as Column).value }
}

function tableSide(side: JoinSide, operand: Expression): TableJoinSide {
  const schema = side.source.schema
  return {
    alias: side.alias,
    key: schema.key,
    columns: [...schema.key, ...schema.value],
    windowed: side.source.window !== null,
    operand,
    qualifiedOperand: qualified(operand, side),
  }
}

/** Orders the criteria's operands as (left side, right side); each must read exactly one source. */
function joinSides(criteria: Expression, left: JoinSide, right: JoinSide): [Expression, Expression] {
  return orderOperands(criteria, [left, right], 1)
}

function qualified(expr: Expression, side: JoinSide): Expression {
  return mapExpression(expr, (e) =>
    e.kind === 'column' && e.qualifier === null ? { ...e, qualifier: side.alias } : e,
  )
}

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
  return rewriteJoinQuery(query, [left, right], keys)
}
