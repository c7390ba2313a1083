import { checkPullClauses } from '../analyzer/check-pull-clauses.ts'
import { checkPullLike } from '../analyzer/check-pull-like.ts'
import { checkPullWhere } from '../analyzer/check-pull-where.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { DataSource } from '../metastore/source.ts'
import type { Query } from '../parser/ast.ts'
import { unwrapSessionWindowedKey, unwrapTimeWindowedKey } from '../serde/index.ts'
import { property, type EngineContext, type RequestScope } from './engine-context.ts'

/** Refuses what a pull query (a SELECT without EMIT CHANGES) cannot do, before it is analyzed. */
export function checkPullQuery(
  ctx: EngineContext,
  query: Query,
  source: DataSource,
  scope: RequestScope,
): void {
  if (query.joins.length > 0) {
    throw new StatementError(
      "Pull queries don't support JOIN clauses. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.",
    )
  }
  checkPullClauses(query, {
    limitClauseEnabled: property(ctx, scope, 'ksql.query.pull.limit.clause.enabled') !== 'false',
  })
  if (query.groupBy !== null || query.window !== null || query.partitionBy !== null) {
    const clause = query.groupBy !== null ? 'GROUP BY' : query.window !== null ? 'WINDOW' : 'PARTITION BY'
    throw new StatementError(
      `Pull queries don't support ${clause} clauses. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.`,
    )
  }
  if (source.type === 'TABLE') {
    checkPullLike(query.where, [...source.schema.key, ...source.schema.value], {
      tableScanEnabled: property(ctx, scope, 'ksql.query.pull.table.scan.enabled') !== 'false',
    })
    checkPullWhere(query.where, source.schema.key, {
      tableScanEnabled: property(ctx, scope, 'ksql.query.pull.table.scan.enabled') !== 'false',
      rangeScanEnabled: property(ctx, scope, 'ksql.query.pull.range.scan.enabled') !== 'false',
      windowed: source.window !== null,
    })
  }
}

/** A table created by CREATE TABLE (no query writes it) has no state store to pull from. */
export function checkQueryable(source: DataSource): void {
  if (source.type === 'TABLE' && source.createdBy === null && !source.isSource) {
    throw new StatementError(
      `The \`${source.name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${source.name} AS SELECT * FROM ${source.name}'. See https://cnfl.io/queries for more info.`,
    )
  }
}

/** Where a table row sits in the state store: its partition, then its serialized key. */
export interface StoreOrder {
  /** Position of the row's key in a key lookup's list (0 for scans). */
  readonly lookup: number
  readonly partition: number
  readonly key: Buffer | null
  readonly start: number
}

/**
 * A table scan returns rows as ksqlDB's state stores iterate them: partition by partition, each
 * in serialized-key byte order (RocksDB's), window start last. A lookup fetches per partition,
 * partitions in the order their first key is named.
 */
export function sortByStoreOrder(ids: string[], storeOrder: ReadonlyMap<string, StoreOrder>): void {
  const groups = new Map<number, number>()
  for (const o of storeOrder.values())
    groups.set(o.partition, Math.min(groups.get(o.partition) ?? o.lookup, o.lookup))
  ids.sort((a, b) => compareStoreOrder(storeOrder.get(a), storeOrder.get(b), groups))
}

function compareStoreOrder(
  a: StoreOrder | undefined,
  b: StoreOrder | undefined,
  groups: ReadonlyMap<number, number>,
): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1
  const group = (groups.get(a.partition) ?? 0) - (groups.get(b.partition) ?? 0)
  if (group !== 0) return group
  if (a.lookup !== b.lookup) return a.lookup - b.lookup
  if (a.partition !== b.partition) return a.partition - b.partition
  const keys = Buffer.compare(a.key ?? Buffer.alloc(0), b.key ?? Buffer.alloc(0))
  return keys !== 0 ? keys : a.start - b.start
}

/** The time a window store indexes a windowed key by: a session's end, a time window's start. */
export function storeTimeOfKey(key: Buffer, byEnd: boolean): number {
  try {
    return byEnd ? unwrapSessionWindowedKey(key).end : unwrapTimeWindowedKey(key).start
  } catch {
    return Number.NEGATIVE_INFINITY // too short to be windowed: the topology logs it
  }
}
