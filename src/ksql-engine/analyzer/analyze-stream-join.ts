import { compileExpression } from '../expression/compile-expression.ts'
import { SYSTEM_COLUMNS, scopeOverSlots, slotsOf } from '../expression/schema-scope.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Expression, Query } from '../parser/ast.ts'
import type { AnalyzedJoin } from '../planner/analysis.ts'
import type { SqlType } from '../types/sql-type.ts'
import type { JoinSide, PlannedJoin } from './analyze-join.ts'

/**
 * Retention of a join window without GRACE PERIOD: ksqlDB keeps Kafka Streams' historical default,
 * a day in all (before + after + grace), i.e. grace = 24 h − 2 × before, never below 0.
 */
const DEFAULT_JOIN_RETENTION_MS = 24 * 60 * 60 * 1000

/** The grace period a stream-stream join uses: the one given, or ksqlDB's default. */
export function joinGraceMs(within: { readonly beforeMs: number; readonly graceMs: number | null }): number {
  return within.graceMs ?? Math.max(DEFAULT_JOIN_RETENTION_MS - 2 * within.beforeMs, 0)
}

/** A system column's name as an alias in a join's projection: ksqlDB refuses it. */
export function checkReservedJoinAliases(query: Query): void {
  for (const item of query.select) {
    if (item.kind !== 'expr' || item.alias === null) continue
    if ((SYSTEM_COLUMNS as readonly string[]).includes(item.alias)) {
      throw new StatementError(
        `Reserved column name in select: \`${item.alias}\`. Please remove or alias the column.`,
      )
    }
  }
}

/**
 * Windowed sources join only windowed sources of a compatible kind, on their keys: the windowed
 * key (key and window) must match byte for byte, and a windowed source cannot be re-keyed.
 */
export function checkWindowedSources(
  left: JoinSide,
  right: JoinSide,
  leftOnKey: boolean,
  rightOnKey: boolean,
): void {
  const l = left.source.window
  const r = right.source.window
  if (l === null && r === null) return
  if (l === null || r === null) {
    const describe = (side: JoinSide): string =>
      side.source.window === null ? 'not windowed' : `${side.source.window.type} windowed`
    throw new StatementError(
      `Can not join windowed source to non-windowed source.\n\`${left.alias}\` is ${describe(left)}\n\`${right.alias}\` is ${describe(right)}`,
    )
  }
  if ((l.type === 'SESSION') !== (r.type === 'SESSION')) {
    throw new StatementError(
      `Incompatible windowed sources.\nLeft source: ${l.type}\nRight source: ${r.type}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources`,
    )
  }
  // Time windows of different sizes have different key formats: the join would re-key a side.
  if (!leftOnKey || !rightOnKey || l.sizeMs !== r.sizeMs) {
    throw new StatementError(
      'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.',
    )
  }
}

/**
 * ksqlDB's errors about WITHIN, raised after the rest of the analysis as ksqlDB does (it checks
 * them when it builds the join): stream-stream joins need one, the other joins refuse one.
 */
export function checkJoinWithin(join: PlannedJoin): void {
  const left = join.left.source.type
  const right = join.right.source.type
  // An N-way join checks its links itself.
  if (join.links !== undefined) return
  const within = join.within ?? null
  if (left === 'STREAM' && right === 'STREAM' && within === null) {
    throw new StatementError(
      'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
    )
  }
  if (within === null || (left === 'STREAM' && right === 'STREAM')) return
  if (left === 'STREAM') {
    throw new StatementError(
      'A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.',
    )
  }
  throw new StatementError(
    'A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your join again.',
  )
}

/** A stream-stream join as the analysis states it (its WITHIN was checked by `checkJoinWithin`). */
export function streamStreamJoinOf(join: PlannedJoin): AnalyzedJoin {
  const within = join.within ?? { beforeMs: 0, afterMs: 0, graceMs: null }
  const rightKey = join.rightKey ?? join.leftKey
  return {
    kind: 'streamStream',
    joinType: join.joinType,
    right: { source: join.right.source, alias: join.right.alias },
    leftKey: join.leftKey,
    rightKey,
    beforeMs: within.beforeMs,
    afterMs: within.afterMs,
    graceMs: joinGraceMs(within),
    schema: join.joined.schema,
  }
}

/** The SQL type of a join expression over its side's columns (a synthetic key's type), if known. */
export function joinExpressionType(
  side: JoinSide,
  expr: Expression,
  functions: FunctionRegistry,
): SqlType | null {
  try {
    const scope = scopeOverSlots(slotsOf(side.source.schema), {
      functions,
      qualifiers: [side.alias, side.source.name],
      windowBounds: side.source.window !== null,
    })
    return compileExpression(expr, scope).type
  } catch {
    return null
  }
}

/** ksqlDB's refusals before any join analysis: self joins, and KAFKA-formatted values. */
export function checkJoinSources(left: JoinSide, right: JoinSide): void {
  if (left.source.name === right.source.name) {
    throw new StatementError(
      `Can not join '${left.source.name}' to '${right.source.name}': self joins are not yet supported.`,
    )
  }
  const kafka = [left, right]
    .filter((s) => s.source.formats.valueFormat === 'KAFKA')
    .map((s) => s.source.name)
  if (kafka.length > 0) {
    throw new StatementError(
      `Source(s) ${kafka.join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`,
    )
  }
}

/** ksqlDB's error for a join projection without the join key (a synthetic ROWKEY says so). */
export function missingJoinKeyMessage(keyExpressions: readonly string[], sinkName: string): string {
  const list =
    keyExpressions.length > 1
      ? `s ${keyExpressions.slice(0, -1).join(', ')} or ${keyExpressions[keyExpressions.length - 1] ?? ''}`
      : ` ${keyExpressions[0] ?? 'ROWKEY'}`
  const what = `join expression${list}`
  const synthetic =
    keyExpressions[0] === 'ROWKEY'
      ? '\nROWKEY was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased.'
      : ''
  return `Key missing from projection. See https://cnfl.io/2LV7ouS.\nThe query used to build \`${sinkName}\` must include the ${what} in its projection.${synthetic}`
}
