import { StatementError } from '../expression/statement-error.ts'
import type { Column, DataSource } from '../metastore/source.ts'
import type { Expression, Query, SelectItem } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import { SYSTEM_COLUMNS } from '../expression/schema-scope.ts'
import { BIGINT, INTEGER } from '../types/sql-type.ts'
import { expressionKey, mapExpression, visitExpression } from '../expression/expression-utils.ts'

/**
 * Column resolution and query rewriting over joined rows, for any number of joined sources
 * (members, in FROM / JOIN order): `A.COL` and unambiguous `COL` read the joined row's `A_COL`.
 */

/** One joined source and the name its columns are prefixed with (`A` → `A_COL`). */
export interface JoinMember {
  readonly source: DataSource
  readonly alias: string
}

export const PSEUDO_COLUMNS: readonly Column[] = [
  { name: 'ROWTIME', type: BIGINT },
  { name: 'ROWPARTITION', type: INTEGER },
  { name: 'ROWOFFSET', type: BIGINT },
]

/** The row's own system columns (window bounds are not columns of joined rows, as in ksqlDB). */
export const SYSTEM_COLUMN_NAMES: ReadonlySet<string> = new Set(
  SYSTEM_COLUMNS.filter((c) => c !== 'WINDOWSTART' && c !== 'WINDOWEND'),
)

/** A windowed source's bounds, as columns of its joined rows (`A_WINDOWSTART`, `A_WINDOWEND`). */
export function windowColumnsOf(member: JoinMember): Column[] {
  return member.source.window === null
    ? []
    : [
        { name: 'WINDOWSTART', type: BIGINT },
        { name: 'WINDOWEND', type: BIGINT },
      ]
}

/** Every column a member contributes to the joined row: value, pseudo, window and key columns. */
export function memberColumns(member: JoinMember): readonly Column[] {
  return [
    ...member.source.schema.value,
    ...PSEUDO_COLUMNS,
    ...windowColumnsOf(member),
    ...member.source.schema.key,
  ]
}

/** The joined row's name of a member's column. */
export function joinedName(member: JoinMember, column: string): string {
  return `${member.alias}_${column}`
}

/**
 * Orders a join criteria's operands as (left, right): the left one reads members before `split`,
 * the right one the member at `split`; each must read exactly one side.
 */
export function orderOperands(
  criteria: Expression,
  members: readonly JoinMember[],
  split: number,
): [Expression, Expression] {
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
      if (x.kind === 'column') sides.add(resolveMember(x, members) < split ? 'left' : 'right')
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
    const name = (side: 'left' | 'right'): string =>
      side === 'right' ? (members[split] as JoinMember).alias : (members[0] as JoinMember).alias
    throw new StatementError(
      `Each side of the join must reference exactly one source and not the same source. Left side references ${name(a)} and right references ${name(b)}`,
    )
  }
  return a === 'left' ? [criteria.left, criteria.right] : [criteria.right, criteria.left]
}

/** The index of the member a column reads, with ksqlDB's errors for unknown and ambiguous ones. */
export function resolveMember(
  column: Expression & { kind: 'column' },
  members: readonly JoinMember[],
): number {
  const hasColumn = (m: JoinMember): boolean => memberColumns(m).some((c) => c.name === column.name)
  if (column.qualifier !== null) {
    const index = members.findIndex(
      (m) =>
        column.qualifier === m.alias || (column.qualifier === m.source.name && m.alias === m.source.name),
    )
    if (index < 0)
      throw new StatementError(`'${column.qualifier}' is not a valid stream/table name or alias.`)
    if (!hasColumn(members[index] as JoinMember)) {
      throw new StatementError(`SELECT column '${column.qualifier}.${column.name}' cannot be resolved.`)
    }
    return index
  }
  const found = members.flatMap((m, i) => (hasColumn(m) ? [i] : []))
  if (found.length > 1) {
    const names = found.map((i) => `${(members[i] as JoinMember).alias}.${column.name}`)
    throw new StatementError(
      `Column '${column.name}' is ambiguous. Could be ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}.`,
    )
  }
  if (found.length === 0) throw new StatementError(`SELECT column '${column.name}' cannot be resolved.`)
  return found[0] as number
}

/** The expression with its unqualified columns qualified by the member they read (for messages). */
export function qualifyOperand(expr: Expression, members: readonly JoinMember[]): Expression {
  return mapExpression(expr, (e) =>
    e.kind === 'column' && e.qualifier === null
      ? { ...e, qualifier: (members[resolveMember(e, members)] as JoinMember).alias }
      : e,
  )
}

/** The expression over the joined row (`A.COL` → `A_COL`). */
export function toJoinedColumns(expr: Expression, members: readonly JoinMember[]): Expression {
  return mapExpression(expr, (e) => {
    if (e.kind !== 'column') return e
    const member = members[resolveMember(e, members)] as JoinMember
    return { kind: 'column', qualifier: null, name: joinedName(member, e.name) }
  })
}

/**
 * Rewrites every clause over the joined row: `A.COL` and unambiguous `COL` read `A_COL`. An
 * unaliased unqualified column keeps its own name in the output, as in ksqlDB; `*` expands to the
 * join key and every member's columns, key columns first (pseudo columns excluded).
 */
export function rewriteJoinQuery(
  query: Query,
  members: readonly JoinMember[],
  keys: {
    readonly keyName: string
    readonly equivalentKey: string | null
    /** With PARTITION BY, ksqlDB expands `*` over the whole joined row, pseudo columns included. */
    readonly partitionedStar?: readonly string[] | null
  },
): Query {
  const { keyName } = keys
  // `A.*` holds the join key when the key is one of A's columns.
  const ownsKey = (s: JoinMember): boolean =>
    [...s.source.schema.key, ...s.source.schema.value].some((c) => joinedName(s, c.name) === keyName)
  // Names more than one member has: a qualified column so named is output as `A_COL`.
  const seen = new Set<string>()
  const clashing = new Set<string>()
  for (const m of members)
    for (const name of new Set(memberColumns(m).map((c) => c.name))) {
      if (seen.has(name)) clashing.add(name)
      seen.add(name)
    }
  const rewrite = (expr: Expression): Expression =>
    mapExpression(expr, (e) => {
      if (e.kind !== 'column') return e
      // The synthetic key is a column of the joined rows only.
      if (e.qualifier === null && e.name === keyName && keyName === 'ROWKEY') return e
      // Unqualified system columns are the joined row's own (its time, partition, offset).
      if (e.qualifier === null && SYSTEM_COLUMN_NAMES.has(e.name)) return e
      const member = members[resolveMember(e, members)] as JoinMember
      return { kind: 'column', qualifier: null, name: joinedName(member, e.name) }
    })
  const column = (name: string): SelectItem => ({
    kind: 'expr',
    expr: { kind: 'column', qualifier: null, name },
    alias: null,
  })
  const sideItems = (s: JoinMember): SelectItem[] =>
    [...s.source.schema.key, ...windowColumnsOf(s), ...s.source.schema.value]
      .map((c) => `${s.alias}_${c.name}`)
      .filter((n) => n !== keyName)
      .map(column)
  const joinKey: Expression = { kind: 'column', qualifier: null, name: keyName }
  const selectsKey = query.select.some(
    (item) =>
      (item.kind === 'all' &&
        (item.qualifier === null ||
          members.some(
            (m) => ownsKey(m) && (m.alias === item.qualifier || m.source.name === item.qualifier),
          ))) ||
      (item.kind === 'expr' && expressionKey(rewrite(item.expr)) === expressionKey(joinKey)),
  )
  let useEquivalentKey = keys.equivalentKey !== null && !selectsKey
  const select = query.select.flatMap((item): SelectItem[] => {
    switch (item.kind) {
      case 'all': {
        if (item.qualifier === null && keys.partitionedStar != null) return keys.partitionedStar.map(column)
        if (item.qualifier === null) return [column(keyName), ...members.flatMap(sideItems)]
        const side = members.find((s) => s.alias === item.qualifier || s.source.name === item.qualifier)
        if (side === undefined) {
          throw new StatementError(`'${item.qualifier}' is not a valid stream/table name or alias.`)
        }
        if (ownsKey(side)) return [column(keyName), ...sideItems(side)]
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
        // A qualified column keeps its name too unless another source has a column so named.
        const keepName =
          item.alias === null &&
          item.expr.kind === 'column' &&
          (item.expr.qualifier === null || !clashing.has(item.expr.name)) &&
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
