import { StatementError } from '../expression/statement-error.ts'
import type { Column } from '../metastore/source.ts'
import type { Expression, JoinClause, Query } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'
import { formatSqlType, type SqlType } from '../types/sql-type.ts'

/** One side of a table-table join, as the checks need it. */
export interface TableJoinSide {
  readonly alias: string
  readonly key: readonly Column[]
  readonly columns: readonly Column[]
  readonly windowed: boolean
  /** The join operand over this side, qualified with the alias (`LT.FOREIGN_KEY`) for messages. */
  readonly operand: Expression
  readonly qualifiedOperand: Expression
}

/**
 * Classifies a table-table join as ksqlDB does: the right operand must be the right table's
 * primary key; a left operand that is not the left table's sole key makes it a foreign-key join
 * (INNER or LEFT only, unwindowed, operand types equal). Invalid joins get ksqlDB's errors.
 */
export function classifyTableTableJoin(
  join: JoinClause,
  left: TableJoinSide,
  right: TableJoinSide,
): 'primaryKey' | 'foreignKey' {
  const got = `${formatExpression(left.qualifiedOperand)} = ${formatExpression(right.qualifiedOperand)}`
  if (!isSoleKey(right, right.operand)) {
    throw new StatementError(
      `Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${got}.`,
    )
  }
  if (isSoleKey(left, left.operand)) return 'primaryKey'
  if (left.windowed || right.windowed) {
    throw new StatementError('Foreign-key table-table joins are not supported on windowed tables.')
  }
  if (join.type === 'RIGHT') throw new StatementError('RIGHT OUTER JOIN on a foreign key is not supported')
  if (join.type === 'FULL') throw new StatementError('Outer-join not supported by FK-joins.')
  const leftType = operandType(left)
  const rightType = operandType(right)
  if (leftType !== null && rightType !== null && formatSqlType(leftType) !== formatSqlType(rightType)) {
    throw new StatementError(
      `Invalid join condition: types don't match. Got ${formatExpression(left.qualifiedOperand)}{${formatSqlType(leftType)}} = ${formatExpression(right.qualifiedOperand)}{${formatSqlType(rightType)}}.`,
    )
  }
  return 'foreignKey'
}

function isSoleKey(side: TableJoinSide, operand: Expression): boolean {
  return side.key.length === 1 && operand.kind === 'column' && operand.name === (side.key[0] as Column).name
}

function operandType(side: TableJoinSide): SqlType | null {
  const operand = side.operand
  if (operand.kind !== 'column') return null
  return side.columns.find((c) => c.name === operand.name)?.type ?? null
}

/**
 * ksqlDB's error when a foreign-key join's projection lacks a key column of the left table (the
 * result is keyed by it), or null when every one is selected. `query` is rewritten over the joined
 * row, where the left key `K` of alias `A` reads `A_K`.
 */
export function missingForeignKeyJoinKeys(
  query: Query,
  leftAlias: string,
  leftKey: readonly Column[],
): StatementError | null {
  const selected = new Set(
    query.select.flatMap((item) => {
      if (item.kind === 'all') return item.qualifier === null || item.qualifier === leftAlias ? ['*'] : []
      return item.kind === 'expr' && item.expr.kind === 'column' ? [item.expr.name] : []
    }),
  )
  if (selected.has('*')) return null
  const missing = leftKey.filter((k) => !selected.has(`${leftAlias}_${k.name}`))
  if (missing.length === 0) return null
  const noun = missing.length === 1 ? 'column' : 'columns'
  return new StatementError(
    `Primary key ${noun} missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (\`${leftAlias}\`). Missing ${noun}: ${missing.map((k) => `\`${k.name}\``).join(', ')}.`,
  )
}
