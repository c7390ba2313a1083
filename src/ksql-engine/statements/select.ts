import { buildExecutionPlan } from '../planner/build-execution-plan.ts'
import { buildLogicalPlan } from '../planner/logical-plan.ts'
import { analyzeQuery, type QueryAnalysis } from '../analyzer/analyze-query.ts'
import { lookupKeyOrder, lookupPosition } from '../analyzer/pull-key-order.ts'
import type { ColumnInfo, EngineRecord, LiveRows, StatementResult } from '../engine-api.ts'
import type { Row } from '../expression/row.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Column, DataSource } from '../metastore/source.ts'
import type { Query, SelectItem } from '../parser/ast.ts'
import { planInputTopics } from '../planner/plan-topics.ts'
import { isExpired, storeRetentionOf } from '../planner/window-retention.ts'
import { buildTopology } from '../runtime/build-topology.ts'
import { mergeByTimestamp } from '../runtime/merge-inputs.ts'
import { toJsonValue } from '../serde/index.ts'
import {
  operatorContext,
  partitionsOf,
  property,
  type EngineContext,
  type ExecutionState,
  type RequestScope,
} from './engine-context.ts'
import { checkPullQuery, checkQueryable, sortByStoreOrder, storeTimeOfKey, type StoreOrder } from './pull.ts'

/** A SELECT: a pull query (rows as of now) or a push query (EMIT CHANGES, optionally live). */
export function select(
  ctx: EngineContext,
  query: Query,
  s: ExecutionState,
  scope: RequestScope,
): StatementResult {
  const source = s.metastore.get(query.from.name)
  if (source === undefined) throw new StatementError(`${query.from.name} does not exist.`)
  const push = query.emit !== null
  if (!push) checkPullQuery(ctx, query, source, scope)
  const analysis = analyzeQuery(expandWindowedStar(query, source), s.metastore, {
    functions: ctx.functions,
    sinkName: source.name,
    sinkType: null,
    partitionsOf: partitionsOf(ctx),
    pullQuery: !push,
  })
  if (!push) checkQueryable(source)
  const { columns, order } = selectColumns(analysis, source, push)
  if (s.dryRun) return { kind: 'queryRows', columns, rows: [] }
  return runTransientQuery(ctx, { query, source, analysis, push, order, columns, s, scope })
}

/** On windowed sources `*` also yields the window bounds, right after the key columns. */
function expandWindowedStar(query: Query, source: DataSource): Query {
  if (source.window === null) return query
  return {
    ...query,
    select: query.select.flatMap((item) =>
      item.kind === 'all'
        ? [
            ...source.schema.key.map((c) => column(c.name)),
            column('WINDOWSTART'),
            column('WINDOWEND'),
            ...source.schema.value.map((c) => column(c.name)),
          ]
        : [item],
    ),
  }
}

function column(name: string): SelectItem {
  return { kind: 'expr', expr: { kind: 'column', qualifier: null, name }, alias: null }
}

/** Transient queries print columns in SELECT order; pull queries mark key columns (and window bounds). */
function selectColumns(
  analysis: QueryAnalysis,
  source: DataSource,
  push: boolean,
): { columns: ColumnInfo[]; order: number[] } {
  const bounds = new Set(['WINDOWSTART', 'WINDOWEND'])
  const keyCount = analysis.schema.key.length
  const picked = analysis.selectOrder.map((o) => {
    const c = (
      o.namespace === 'key' ? analysis.schema.key[o.index] : analysis.schema.value[o.index]
    ) as Column
    const isKey =
      !push &&
      source.type === 'TABLE' &&
      (o.namespace === 'key' || (source.window !== null && bounds.has(c.name)))
    return { column: c, isKey, position: o.namespace === 'key' ? o.index : keyCount + o.index }
  })
  const columns: ColumnInfo[] = picked.map((p) => ({
    name: p.column.name,
    type: p.column.type,
    namespace: p.isKey ? ('KEY' as const) : ('VALUE' as const),
  }))
  return { columns, order: picked.map((p) => p.position) }
}

interface TransientQuery {
  readonly query: Query
  readonly source: DataSource
  readonly analysis: QueryAnalysis
  readonly push: boolean
  readonly order: readonly number[]
  readonly columns: readonly ColumnInfo[]
  readonly s: ExecutionState
  readonly scope: RequestScope
}

/** What a transient query collected while its records ran through the topology. */
interface Collected {
  readonly rows: Map<string, unknown[]>
  readonly tombstoneIds: Set<string>
  /** Where each table row sits in the state store: its partition, then its serialized key. */
  readonly storeOrder: Map<string, StoreOrder>
  readonly windowTimes: Map<string, number>
  /** The record being processed: its partition and key place the row in the store. */
  current: EngineRecord | null
  counter: number
  /** Set once the held records are replayed: later rows of a live push query go straight out. */
  liveSink: LiveRows | null
}

function runTransientQuery(ctx: EngineContext, q: TransientQuery): StatementResult {
  const { source, analysis, push, scope } = q
  const plan = buildExecutionPlan(buildLogicalPlan(analysis), { queryId: 'transient', statement: '' })
  const materialize = !push && source.type === 'TABLE'
  // A windowed table's store drops windows past its retention, so a pull query no longer sees them:
  // the table's rows are replayed, so its store's stream time is the latest window time among them
  // (all of them: a WHERE must not move it).
  const retention =
    materialize && source.window !== null && source.createdBy !== null
      ? storeRetentionOf(q.s.queries.get(source.createdBy)?.plan.steps ?? [])
      : null
  const collected: Collected = {
    rows: new Map(),
    tombstoneIds: new Set(),
    storeOrder: new Map(),
    windowTimes: new Map(),
    current: null,
    counter: 0,
    liveSink: null,
  }
  const limit = analysis.limit ?? Number.POSITIVE_INFINITY
  const handler = buildTopology(
    plan,
    operatorContext(ctx, 'transient', source.topic),
    collectRow(q, collected, { materialize, retention, limit }),
  )
  let observedStreamTime = Number.NEGATIVE_INFINITY
  const fromEarliest = !push || (property(ctx, scope, 'auto.offset.reset') ?? 'latest') === 'earliest'
  if (fromEarliest) {
    const held =
      (!push ? scope.history?.get(source.topic) : undefined) ??
      mergeByTimestamp(
        planInputTopics(plan)
          .reverse()
          .map((topic) => ctx.topics.records(topic)),
      )
    for (const record of held) {
      collected.current = record
      if (retention !== null && record.key !== null)
        observedStreamTime = Math.max(observedStreamTime, storeTimeOfKey(record.key, retention.byEnd))
      handler(record)
    }
  }
  if (retention !== null) {
    for (const [id, time] of collected.windowTimes)
      if (isExpired(time, observedStreamTime, retention.retentionMs)) collected.rows.delete(id)
  }
  const ids = [...collected.rows.keys()]
  if (materialize) sortByStoreOrder(ids, collected.storeOrder)
  const all = ids.map((id) => collected.rows.get(id) as unknown[])
  const kept = ids.slice(0, Math.min(limit, all.length))
  const tombstones = kept.flatMap((id, i) => (collected.tombstoneIds.has(id) ? [i] : []))
  let close: (() => void) | undefined
  if (push && scope.live !== undefined) {
    // Subscribed like a persistent query: every later record of the source runs through the
    // same topology, however few records the engine keeps.
    collected.liveSink = scope.live
    const stops = planInputTopics(plan).map((topic) =>
      ctx.topics.subscribe(topic, (record) => {
        collected.current = record
        handler(record)
      }),
    )
    close = () => {
      for (const stop of stops) stop()
    }
  }
  return {
    kind: 'queryRows',
    columns: [...q.columns],
    rows: all.slice(0, kept.length),
    ...(tombstones.length > 0 ? { tombstones } : {}),
    ...(close === undefined ? {} : { close }),
  }
}

interface OutputRow {
  readonly key: readonly unknown[]
  readonly value: readonly unknown[] | null
  readonly window?: { readonly start: number; readonly end: number } | null | undefined
}

/** The topology's last step for a transient query: keeps (or streams out) each row it outputs. */
function collectRow(
  q: TransientQuery,
  collected: Collected,
  how: {
    readonly materialize: boolean
    readonly retention: { readonly byEnd: boolean } | null
    readonly limit: number
  },
): (row: Row) => void {
  const { materialize, retention, limit } = how
  const rows = collected.rows
  const source = q.source
  // A key lookup (K = v, K IN (…)) answers key by key, in the order the WHERE names them.
  const lookup = materialize ? lookupKeyOrder(q.query.where, source.schema.key) : null
  return (row) => {
    if (!materialize && collected.liveSink === null && rows.size >= limit) return
    const id = materialize
      ? JSON.stringify([row.key, row.window?.start ?? null])
      : String(collected.counter++)
    if (retention !== null && row.window !== null)
      collected.windowTimes.set(id, retention.byEnd ? row.window.end : row.window.start)
    if (row.value === null && materialize) {
      rows.delete(id)
      return
    }
    // Streams' null-value records are not rows; on tables they are tombstones: key (and window) only.
    if (row.value === null && source.type === 'STREAM') return
    if (collected.liveSink !== null) {
      collected.liveSink.onRow(rowValues(q, row), row.value === null)
      return
    }
    if (row.value === null) collected.tombstoneIds.add(id)
    rows.set(id, rowValues(q, row))
    const current = collected.current
    if (materialize && current !== null) {
      collected.storeOrder.set(id, {
        partition: current.partition,
        key: current.key,
        start: row.window?.start ?? 0,
        lookup: lookup === null ? 0 : lookupPosition(lookup, row.key[0]),
      })
    }
  }
}

function rowValues(q: TransientQuery, row: OutputRow): unknown[] {
  const flat = [
    ...row.key,
    ...(row.value ??
      q.analysis.schema.value.map((c) =>
        c.name === 'WINDOWSTART'
          ? (row.window?.start ?? null)
          : c.name === 'WINDOWEND'
            ? (row.window?.end ?? null)
            : null,
      )),
  ]
  return q.order.map((i) => toJsonValue(flat[i]))
}
