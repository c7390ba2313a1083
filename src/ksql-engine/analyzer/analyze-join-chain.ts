import { StatementError } from '../expression/statement-error.ts'
import type { Metastore } from '../metastore/metastore.ts'
import type { Column, DataSource, LogicalSchema } from '../metastore/source.ts'
import type { Expression, JoinClause, Query } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import { UnsupportedStatementError } from '../parser/parser.ts'
import { BIGINT, INTEGER, STRING } from '../types/sql-type.ts'
import { classifyTableTableJoin } from './analyze-fk-join.ts'
import type { JoinLink, PlannedJoin } from './analyze-join.ts'
import { stripQualifiers } from '../expression/expression-utils.ts'
import {
  joinedName,
  memberColumns,
  orderOperands,
  qualifyOperand,
  resolveMember,
  rewriteJoinQuery,
  toJoinedColumns,
  type JoinMember,
} from './join-rewrite.ts'

/** What the chain carries from one join to the next. */
interface ChainState {
  readonly members: JoinMember[]
  readonly links: JoinLink[]
  /** Rows entering the next join: stream or table, and their layout (null: the first source's). */
  type: 'STREAM' | 'TABLE'
  schema: LogicalSchema | null
  /** ksqlDB's viable key columns of the joins so far (qualified), in its order. */
  viable: Expression[]
  unsupported: string | null
}

/**
 * N-way joins as ksqlDB builds them, left-deep: `A JOIN B ON … JOIN C ON …` is (A ⋈ B) ⋈ C, one
 * join step per JOIN, each reading the previous step's rows. A joined row keeps every source's
 * columns as `ALIAS_COL`; each step appends the incoming rows' time, partition, offset and key
 * under internal names nothing resolves to. The result is keyed by the first viable key column the
 * projection selects (ksqlDB's JoinKey), else the first one.
 */
export function planJoinChain(
  query: Query,
  first: DataSource,
  metastore: Metastore,
  partitionsOf: (topic: string) => number | undefined,
): PlannedJoin {
  const state: ChainState = {
    members: [{ source: first, alias: query.from.alias ?? first.name }],
    links: [],
    type: first.type,
    schema: null,
    viable: [],
    unsupported: null,
  }
  query.joins.forEach((join, i) => addJoin(state, join, i, metastore, partitionsOf))
  const members = state.members
  const viableTexts = state.viable.map((e) => formatExpression(e))
  const chosen = chooseKey(query, members, state.viable)
  const keyName = chosen === null ? 'ROWKEY' : joinedName(members[chosen.member] as JoinMember, chosen.column)
  // Every step is keyed by the same join key value; the last one carries the output's key name.
  const links = state.links.map((link, i) =>
    i < state.links.length - 1
      ? link
      : { ...link, schema: { ...link.schema, key: [{ ...(link.schema.key[0] as Column), name: keyName }] } },
  )
  const last = links[links.length - 1] as JoinLink
  return {
    unsupported: state.unsupported,
    kind: last.kind,
    joinType: last.joinType,
    left: members[0] as JoinMember,
    right: last.right,
    leftKey: last.leftKey,
    joined: { ...first, schema: last.schema, window: null },
    query: rewriteJoinQuery(query, members, { keyName, equivalentKey: null }),
    keyExpressionText: viableTexts[0] ?? 'ROWKEY',
    links,
    viableKeys: viableTexts,
  }
}

function addJoin(
  state: ChainState,
  join: JoinClause,
  index: number,
  metastore: Metastore,
  partitionsOf: (topic: string) => number | undefined,
): void {
  const source = metastore.get(join.name)
  if (source === undefined) throw new StatementError(`${join.name} does not exist.`)
  const member: JoinMember = { source, alias: join.alias ?? source.name }
  const all = [...state.members, member]
  const [leftExpr, rightExpr] = orderOperands(join.criteria, all, state.members.length)
  const qualifiedLeft = qualifyOperand(leftExpr, all)
  const qualifiedRight = qualifyOperand(rightExpr, all)
  const kind = classifyLink(
    state,
    join,
    index,
    member,
    [leftExpr, rightExpr],
    [qualifiedLeft, qualifiedRight],
  )
  const kinds = `${state.type.toLowerCase()}-${source.type.toLowerCase()}`
  if (
    kind === null ||
    join.within ||
    join.type === 'CROSS' ||
    (kind === 'streamTable' && join.type !== 'INNER' && join.type !== 'LEFT')
  ) {
    state.unsupported ??= `${kinds} ${join.type === 'FULL' ? 'FULL OUTER' : join.type} JOIN`
  }
  if (all.some((m) => m.source.window !== null)) {
    throw new UnsupportedStatementError(`${kinds} JOIN of windowed sources`)
  }
  const firstMember = state.members[0] as JoinMember
  const leftPartitions = kind === 'foreignKey' ? undefined : partitionsOf(firstMember.source.topic)
  const rightPartitions = partitionsOf(source.topic)
  if (leftPartitions !== undefined && rightPartitions !== undefined && leftPartitions !== rightPartitions) {
    const [l, r] = [firstMember.alias, member.alias]
    throw new StatementError(
      `Can't join \`${l}\` with \`${r}\` since the number of partitions don't match. \`${l}\` partitions = ${leftPartitions}; \`${r}\` partitions = ${rightPartitions}. Please repartition either one so that the number of partitions match.`,
    )
  }
  state.viable = viableKeys(state, join, kind, qualifiedLeft, qualifiedRight)
  const joinType = join.type === 'CROSS' ? 'INNER' : join.type
  const linkKind = kind ?? 'streamTable'
  const schema = linkSchema(state, member, linkKind, index)
  // The first join reads the source's own columns; later ones the joined row's.
  const leftKey = index === 0 ? stripQualifiers(leftExpr) : toJoinedColumns(leftExpr, state.members)
  state.links.push({ kind: linkKind, joinType, right: member, leftKey, schema })
  state.members.push(member)
  state.schema = schema
  if (source.type === 'STREAM') state.type = 'STREAM'
}

/** The step kind of the next join, with ksqlDB's errors for the invalid ones; null: not runnable. */
function classifyLink(
  state: ChainState,
  join: JoinClause,
  index: number,
  member: JoinMember,
  [leftExpr, rightExpr]: [Expression, Expression],
  [qualifiedLeft, qualifiedRight]: [Expression, Expression],
): JoinLink['kind'] | null {
  const got = `${formatExpression(qualifiedLeft)} = ${formatExpression(qualifiedRight)}`
  const right = member.source
  if (state.type === 'STREAM' && right.type === 'TABLE') {
    if (!isSoleKey(right, rightExpr)) {
      throw new StatementError(
        `Invalid join condition: stream-table joins require to join on the table's primary key. Got ${got}.`,
      )
    }
    return 'streamTable'
  }
  if (state.type === 'TABLE' && right.type === 'STREAM') {
    const leftSource = state.members[leftExpr.kind === 'column' ? resolveMember(leftExpr, state.members) : 0]
    throw new StatementError(
      `Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${(leftSource as JoinMember).source.name} ${join.type === 'FULL' ? 'OUTER' : join.type} ${right.name}.`,
    )
  }
  if (state.type === 'STREAM') return null // stream-stream: its own step kind
  if (index === 0) {
    const side = (m: JoinMember, operand: Expression, qualified: Expression) => ({
      alias: m.alias,
      key: m.source.schema.key,
      columns: [...m.source.schema.key, ...m.source.schema.value],
      windowed: m.source.window !== null,
      operand: stripQualifiers(operand),
      qualifiedOperand: qualified,
    })
    const first = state.members[0] as JoinMember
    const tableJoin = classifyTableTableJoin(
      join,
      side(first, leftExpr, qualifiedLeft),
      side(member, rightExpr, qualifiedRight),
    )
    return tableJoin === 'primaryKey' ? 'tableTable' : 'foreignKey'
  }
  if (!isSoleKey(right, rightExpr)) {
    throw new StatementError(
      `Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${got}.`,
    )
  }
  // Inside a chain the left column must be the key of the source it reads (ksqlDB: no FK join here).
  const leftMember =
    leftExpr.kind === 'column' ? state.members[resolveMember(leftExpr, state.members)] : undefined
  if (leftMember === undefined || !isSoleKey(leftMember.source, leftExpr)) {
    throw new StatementError(
      `Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${got}.`,
    )
  }
  return 'tableTable'
}

function isSoleKey(source: DataSource, operand: Expression): boolean {
  const key = source.schema.key
  return key.length === 1 && operand.kind === 'column' && operand.name === (key[0] as Column).name
}

/**
 * ksqlDB's viable key columns after a join: none for FULL OUTER (a synthetic key); the left
 * table's key for a foreign-key join; else the left operand (or, when it is one of them, all the
 * previous viable columns) then the right operand, when they are columns.
 */
function viableKeys(
  state: ChainState,
  join: JoinClause,
  kind: JoinLink['kind'] | null,
  left: Expression,
  right: Expression,
): Expression[] {
  if (join.type === 'FULL') return []
  if (kind === 'foreignKey') {
    const first = state.members[0] as JoinMember
    return first.source.schema.key.map((c) => ({ kind: 'column', qualifier: first.alias, name: c.name }))
  }
  const text = (e: Expression): string => formatExpression(e)
  const viable: Expression[] = []
  if (left.kind === 'column') {
    if (state.viable.some((v) => text(v) === text(left))) viable.push(...state.viable)
    else viable.push(left)
  }
  if (right.kind === 'column') viable.push(right)
  return join.type === 'RIGHT' ? viable.reverse() : viable
}

/** The rows leaving a join: key, then the incoming rows' columns and the new member's. */
function linkSchema(
  state: ChainState,
  member: JoinMember,
  kind: JoinLink['kind'],
  index: number,
): LogicalSchema {
  const prefixed = (m: JoinMember): Column[] =>
    memberColumns(m).map((c) => ({ name: joinedName(m, c.name), type: c.type }))
  const first = state.members[0] as JoinMember
  const incoming =
    state.schema === null
      ? prefixed(first)
      : [
          ...state.schema.value,
          { name: `KSQL_JOIN_${index}_ROWTIME`, type: BIGINT },
          { name: `KSQL_JOIN_${index}_ROWPARTITION`, type: INTEGER },
          { name: `KSQL_JOIN_${index}_ROWOFFSET`, type: BIGINT },
          ...state.schema.key.map((c, i) => ({ name: `KSQL_JOIN_${index}_KEY_${i}`, type: c.type })),
        ]
  const incomingKey = state.schema?.key ?? first.source.schema.key
  const rightKeyType = member.source.schema.key[0]?.type ?? incomingKey[0]?.type ?? STRING
  const key: Column[] =
    kind === 'foreignKey'
      ? first.source.schema.key.map((c) => ({ name: joinedName(first, c.name), type: c.type }))
      : [{ name: `KSQL_JOIN_${index}_JOINKEY`, type: rightKeyType }]
  return { key, value: [...incoming, ...prefixed(member)] }
}

/** The first viable key column the projection selects (ksqlDB's JoinKey), else the first; null: none. */
function chooseKey(
  query: Query,
  members: readonly JoinMember[],
  viable: readonly Expression[],
): { member: number; column: string } | null {
  const located = viable.flatMap((v) =>
    v.kind === 'column'
      ? [{ member: resolveMember(v, members), column: v.name, qualifier: v.qualifier }]
      : [],
  )
  const selected = located.find((v) =>
    query.select.some((item) => {
      if (item.kind === 'all') return item.qualifier === null || item.qualifier === v.qualifier
      if (item.kind !== 'expr' || item.expr.kind !== 'column' || item.expr.name !== v.column) return false
      try {
        return resolveMember(item.expr, members) === v.member
      } catch {
        return false
      }
    }),
  )
  const key = selected ?? located[0]
  return key === undefined ? null : { member: key.member, column: key.column }
}
