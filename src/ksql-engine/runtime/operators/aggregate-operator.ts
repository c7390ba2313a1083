import {
  compileExpression,
  type Compiled,
  type CompileScope,
  type Evaluator,
} from '../../expression/compile-expression.ts'
import type { Row, WindowBounds } from '../../expression/row.ts'
import type { ResolvedAggregate } from '../../functions/function-types.ts'
import type { AggregateCall, ExecutionStep } from '../../planner/execution-plan.ts'
import { effectiveGraceMs, isExpired, retentionMsOf } from '../../planner/window-retention.ts'
import { ExpiryQueue } from '../state/expiry-queue.ts'
import { createInMemoryStore, type KeyValueStore } from '../state/key-value-store.ts'
import type { Downstream, OperatorContext } from './operator.ts'
import { createProjector } from './project-operator.ts'
import { RECENT_WINDOWS, TimeWindowStore } from './time-window-store.ts'
import { firstWindowStart } from './window-assigner.ts'

type AggregateStep = ExecutionStep & { kind: 'aggregateV1' }
type MutableRow = { -readonly [K in keyof Row]: Row[K] }

interface GroupState {
  readonly key: readonly unknown[]
  readonly window: WindowBounds | null
  accumulators: unknown[]
  timestamp: number
  /** Whether the last emitted row for this group was a value (HAVING tombstones only follow values). */
  emitted: boolean
}

interface CompiledAggregate {
  readonly fn: ResolvedAggregate<unknown>
  readonly args: readonly Evaluator[]
}

export interface AggregateScopes {
  /** Over the input rows (grouping expressions and aggregate arguments). */
  readonly input: CompileScope
  /** Over the aggregate row: key = grouping values, value = aggregate results. */
  readonly output: CompileScope
}

/** Stream time and the time of the record being processed, shared by the operator's parts. */
interface AggregateClock {
  streamTime: number
  /** HAVING tombstones carry it, even when caused by a retraction. */
  currentTimestamp: number
}

/** The compiled grouping and aggregate arguments, and how a group's state is created and updated. */
interface GroupInputs {
  readonly aggregates: readonly CompiledAggregate[]
  readonly groupKeyOf: (row: Row) => unknown[] | null
  readonly argsOf: (row: Row) => unknown[][]
  readonly update: (state: GroupState, args: readonly unknown[][], retract: boolean) => void
  readonly fresh: (key: readonly unknown[], w: WindowBounds | null, timestamp: number) => GroupState
}

interface Emitter {
  /** Emits the group's row now, or (EMIT FINAL) holds it until its window closes. */
  readonly emit: (state: GroupState, row: Row, tombstone: boolean) => void
  readonly emitClosedWindows: (row: Row) => void
}

/**
 * GROUP BY + aggregates (+ window, HAVING, final projection). Every input row emits the updated row
 * of each group it touched (cache off). Table sources retract the prior row before adding the new one.
 */
export function createAggregateOperator(
  step: AggregateStep,
  scopes: AggregateScopes,
  options: { readonly isTableSource: boolean },
  context: OperatorContext,
  next: Downstream,
): Downstream {
  const inputs = compileGroupInputs(step, scopes, context)
  const { aggregates, groupKeyOf, argsOf, update, fresh } = inputs
  const store: KeyValueStore<GroupState> = createInMemoryStore()
  const window = step.window
  const graceMs = window === null ? 0 : effectiveGraceMs(window, step.emitFinal)
  const retentionMs = window === null ? 0 : retentionMsOf(window, graceMs)
  /** Time-window states: group key text → window start → state, evicted past retention. */
  const windowStore = new TimeWindowStore<GroupState>(retentionMs)
  const clock: AggregateClock = { streamTime: Number.NEGATIVE_INFINITY, currentTimestamp: 0 }
  const emitFinal = step.emitFinal && window !== null
  const { emit, emitClosedWindows } = createEmitter(step, scopes, context, next, {
    aggregates,
    clock,
    graceMs,
    emitFinal,
  })
  const applySession =
    window?.type === 'SESSION'
      ? createSessionApplier(window, inputs, emit, clock, {
          retentionMs,
          hasHaving: step.having !== null,
          context,
        })
      : () => undefined

  const apply = (row: Row, retract: boolean): void => {
    if (row.value === null) return
    const key = groupKeyOf(row)
    if (key === null) return
    const args = argsOf(row)
    if (window === null) {
      const k = storeKey(key, null)
      const state = store.get(k) ?? fresh(key, null, row.timestamp)
      update(state, args, retract)
      state.timestamp = Math.max(state.timestamp, row.timestamp)
      store.put(k, state)
      emit(state, row, false)
      return
    }
    clock.streamTime = Math.max(clock.streamTime, row.timestamp)
    const closeTime = clock.streamTime - graceMs
    if (window.type === 'SESSION') {
      applySession(row, key, args, closeTime)
      return
    }
    // One lookup of the group for all the windows this row falls in (a hopping row updates
    // size/advance of them), then the windows by start.
    const group = windowStore.group(windowGroupText(key))
    const recent = group.recent
    // timeWindowsFor's windows, scanned without an object per window: only a new state gets one.
    const size = window.sizeMs
    const advance = window.advanceMs ?? size
    const timestamp = row.timestamp
    for (let start = firstWindowStart(timestamp, window); start <= timestamp; start += advance) {
      const end = start + size
      if (end <= timestamp) continue
      if (end <= closeTime) {
        context.logError(
          `Skipping record for expired window. window=[${start},${end}) streamTime=${clock.streamTime}`,
          row,
        )
        continue
      }
      // Starts are whole multiples of the advance, so consecutive windows take consecutive slots.
      const slot = (start / advance) & (RECENT_WINDOWS - 1)
      let state = recent[slot]
      if (state === undefined || (state.window as WindowBounds).start !== start) {
        state = group.byStart.get(start)
        if (state === undefined) {
          state = fresh(key, { start, end }, timestamp)
          windowStore.add(group, start, state)
        }
        recent[slot] = state
      }
      update(state, args, retract)
      state.timestamp = Math.max(state.timestamp, row.timestamp)
      emit(state, row, false)
    }
    windowStore.evictExpired()
  }

  return (row, prior) => {
    clock.currentTimestamp = row.timestamp
    if (options.isTableSource && prior !== null && prior.value !== null) {
      // Same group before and after: retract and add, then emit once (as Kafka Streams does).
      const priorKey = window === null ? groupKeyOf(prior) : null
      const newKey = window === null && row.value !== null ? groupKeyOf(row) : null
      if (priorKey !== null && newKey !== null && JSON.stringify(priorKey) === JSON.stringify(newKey)) {
        const state = store.get(storeKey(newKey, null))
        if (state === undefined) apply(row, false)
        else retractAndAdd(state, prior, row, inputs, emit)
        return
      }
      apply(prior, true)
    }
    apply(row, false)
    if (emitFinal) emitClosedWindows(row)
  }
}

/** A table row replacing its prior in the same group: undo the prior's inputs and add the new ones. */
function retractAndAdd(
  state: GroupState,
  prior: Row,
  row: Row,
  inputs: GroupInputs,
  emit: Emitter['emit'],
): void {
  const { aggregates, argsOf } = inputs
  const priorArgs = argsOf(prior)
  const args = argsOf(row)
  state.accumulators = state.accumulators.map((acc, i) => {
    const a = aggregates[i] as CompiledAggregate
    const undone = a.fn.undo === undefined ? acc : a.fn.undo(acc, priorArgs[i] as unknown[])
    return a.fn.add(undone, args[i] as unknown[])
  })
  state.timestamp = Math.max(state.timestamp, row.timestamp)
  emit(state, row, false)
}

function compileGroupInputs(
  step: AggregateStep,
  scopes: AggregateScopes,
  context: OperatorContext,
): GroupInputs {
  const groupBy = step.groupBy.map((g) => compileExpression(g, scopes.input).evaluate)
  const aggregates: CompiledAggregate[] = step.aggregates.map((call) =>
    compileAggregate(call, scopes.input, context),
  )
  const groupKeyOf = (row: Row): unknown[] | null => {
    const key = new Array<unknown>(groupBy.length)
    for (let i = 0; i < groupBy.length; i++) {
      let v: unknown
      try {
        v = (groupBy[i] as Evaluator)(row)
      } catch (error) {
        context.logError((error as Error).message, row)
        return null
      }
      if (v === null || v === undefined) {
        context.logError(
          `Group-by column with index ${i} resolved to null. The source row will be excluded from the table.`,
          row,
        )
        return null
      }
      key[i] = v
    }
    return key
  }
  const argsOf = (row: Row): unknown[][] => {
    const all = new Array<unknown[]>(aggregates.length)
    for (let i = 0; i < aggregates.length; i++) {
      const evaluators = (aggregates[i] as CompiledAggregate).args
      const values = new Array<unknown>(evaluators.length)
      for (let j = 0; j < evaluators.length; j++) {
        try {
          values[j] = (evaluators[j] as Evaluator)(row)
        } catch (error) {
          context.logError((error as Error).message, row)
          values[j] = null
        }
      }
      all[i] = values
    }
    return all
  }
  // New accumulators are computed here first, so an aggregate throwing leaves the state as it was.
  const scratch = new Array<unknown>(aggregates.length)
  const update = (state: GroupState, args: readonly unknown[][], retract: boolean): void => {
    const accumulators = state.accumulators
    for (let i = 0; i < aggregates.length; i++) {
      const fn = (aggregates[i] as CompiledAggregate).fn
      const acc = accumulators[i]
      const values = args[i] as unknown[]
      scratch[i] = retract ? (fn.undo === undefined ? acc : fn.undo(acc, values)) : fn.add(acc, values)
    }
    for (let i = 0; i < aggregates.length; i++) accumulators[i] = scratch[i]
  }
  const fresh = (key: readonly unknown[], w: WindowBounds | null, timestamp: number): GroupState => ({
    key,
    window: w,
    accumulators: aggregates.map((a) => a.fn.initial()),
    timestamp,
    emitted: false,
  })
  return { aggregates, groupKeyOf, argsOf, update, fresh }
}

function createEmitter(
  step: AggregateStep,
  scopes: AggregateScopes,
  context: OperatorContext,
  next: Downstream,
  at: {
    readonly aggregates: readonly CompiledAggregate[]
    readonly clock: AggregateClock
    readonly graceMs: number
    readonly emitFinal: boolean
  },
): Emitter {
  const { aggregates, clock, graceMs, emitFinal } = at
  const window = step.window
  const having = step.having === null ? null : compileExpression(step.having, scopes.output).evaluate
  const project = createProjector(step.keyColumns, step.valueColumns, scopes.output, context)
  // EMIT FINAL: hold each window's latest result until stream time passes window end + grace.
  const pending = new Map<string, { state: GroupState; row: Row }>()
  // Kafka Streams' emit-on-window-close range fetch (what ksqlDB runs): each time the close time
  // advances, windows ending exactly at the new close time are emitted; windows that closed while
  // stream time jumped past them are dropped without output, as in ksqlDB's QTT expectations.
  let lastCloseTime = Number.NEGATIVE_INFINITY
  const emitClosedWindows = (row: Row): void => {
    const closeTime = clock.streamTime - graceMs
    if (closeTime <= lastCloseTime) return
    lastCloseTime = closeTime
    if (window?.type === 'SESSION') {
      // A session closes once no record can extend it any more: end + gap + grace.
      const gap = window.sizeMs
      const sessionsClosed = [...pending.entries()]
        .filter(([, p]) => p.state.window !== null && p.state.window.end + gap <= closeTime)
        .sort(([, a], [, b]) => (a.state.window?.start ?? 0) - (b.state.window?.start ?? 0))
      for (const [k, p] of sessionsClosed) {
        pending.delete(k)
        emitNow(p.state, row, false)
      }
      return
    }
    const closed = [...pending.entries()]
      .filter(([, p]) => p.state.window !== null && p.state.window.end <= closeTime)
      .sort(([, a], [, b]) => (a.state.window?.start ?? 0) - (b.state.window?.start ?? 0))
    for (const [k, p] of closed) {
      pending.delete(k)
      if (p.state.window?.end === closeTime) emitNow(p.state, row, false)
    }
  }
  const emit = (state: GroupState, row: Row, tombstone: boolean): void => {
    if (!emitFinal) {
      emitNow(state, row, tombstone)
      return
    }
    // A merged-away session is never final: forget it instead of emitting its tombstone.
    if (tombstone) pending.delete(storeKey(state.key, state.window))
    else pending.set(storeKey(state.key, state.window), { state, row })
  }
  // One aggregate row and one results array, refilled for every output (a hopping row has several):
  // HAVING and the projection only read them, and the projection copies what it keeps into the
  // row it returns, before anything downstream runs.
  const results = new Array<unknown>(aggregates.length)
  const aggregateRow: MutableRow = {
    key: [],
    value: null,
    timestamp: 0,
    partition: 0,
    offset: 0,
    window: null,
  }
  const resultsOf = (state: GroupState): unknown[] => {
    for (let i = 0; i < aggregates.length; i++)
      results[i] = (aggregates[i] as CompiledAggregate).fn.result(state.accumulators[i])
    return results
  }
  const emitNow = (state: GroupState, row: Row, tombstone: boolean): void => {
    aggregateRow.key = state.key
    aggregateRow.value = tombstone ? null : resultsOf(state)
    aggregateRow.timestamp = state.timestamp
    aggregateRow.partition = row.partition
    aggregateRow.offset = row.offset
    aggregateRow.window = state.window
    if (aggregateRow.value === null) {
      next(project(aggregateRow), null)
      state.emitted = false
      return
    }
    if (having !== null) {
      let ok = false
      try {
        ok = having(aggregateRow) === true
      } catch (error) {
        context.logError((error as Error).message, row)
      }
      if (!ok) {
        if (state.emitted)
          next(project({ ...aggregateRow, value: null, timestamp: clock.currentTimestamp }), null)
        state.emitted = false
        return
      }
    }
    state.emitted = true
    next(project(aggregateRow), null)
  }

  return { emit, emitClosedWindows }
}

function storeKey(key: readonly unknown[], w: WindowBounds | null): string {
  return w === null ? JSON.stringify(key) : `${JSON.stringify(key)}@${w.start}`
}

/** Session windows: a record merges the sessions it falls within gap of into one. */
function createSessionApplier(
  window: NonNullable<AggregateStep['window']>,
  inputs: GroupInputs,
  emit: Emitter['emit'],
  clock: AggregateClock,
  at: { readonly retentionMs: number; readonly hasHaving: boolean; readonly context: OperatorContext },
): (row: Row, key: unknown[], args: unknown[][], closeTime: number) => void {
  const { retentionMs, hasHaving, context } = at
  const { aggregates } = inputs
  const sessions = new Map<string, GroupState[]>()
  /** Session keys by the end of each session put, so keys whose sessions all expired leave `sessions`. */
  const sessionEnds = new ExpiryQueue<string>()
  const applySession = (row: Row, key: unknown[], args: unknown[][], closeTime: number): void => {
    const gap = window.sizeMs
    const k = JSON.stringify(key)
    // Sessions past retention have left the store and no longer merge. A session store's stream time
    // is the latest session end put, which is the stream time (the newest record's session ends there).
    const existing = (sessions.get(k) ?? []).filter(
      (x) => !isExpired((x.window as WindowBounds).end, clock.streamTime, retentionMs),
    )
    const ts = row.timestamp
    const overlapping = existing.filter(
      (s) => s.window !== null && s.window.end >= ts - gap && s.window.start <= ts + gap,
    )
    let start = ts
    let end = ts
    for (const s of overlapping) {
      start = Math.min(start, (s.window as WindowBounds).start)
      end = Math.max(end, (s.window as WindowBounds).end)
    }
    // A session stays open for gap + grace after its last record (ksqlDB's session retention rule).
    if (end + gap < closeTime) {
      context.logError(`Skipping record for expired session. streamTime=${clock.streamTime}`, row)
      return
    }
    let accumulators = aggregates.map((a) => a.fn.initial())
    let timestamp = ts
    for (const s of overlapping) {
      accumulators = accumulators.map((acc, i) => {
        const fn = (aggregates[i] as CompiledAggregate).fn
        return fn.merge === undefined ? s.accumulators[i] : fn.merge(acc, s.accumulators[i])
      })
      timestamp = Math.max(timestamp, s.timestamp)
    }
    accumulators = accumulators.map((acc, i) =>
      (aggregates[i] as CompiledAggregate).fn.add(acc, args[i] as unknown[]),
    )
    for (const s of overlapping) {
      if (s.emitted || !hasHaving) emit({ ...s, timestamp: s.timestamp }, { ...row }, true)
    }
    const merged: GroupState = { key, window: { start, end }, accumulators, timestamp, emitted: false }
    sessions.set(k, [...existing.filter((s) => !overlapping.includes(s)), merged])
    sessionEnds.push(end, k)
    emit(merged, row, false)
    evictExpiredSessions()
  }

  const evictExpiredSessions = (): void => {
    const limit = clock.streamTime - retentionMs
    if (sessionEnds.headTime > limit) return
    sessionEnds.popUntil(limit, (k) => {
      const kept = sessions
        .get(k)
        ?.filter((s) => !isExpired((s.window as WindowBounds).end, clock.streamTime, retentionMs))
      if (kept === undefined) return
      if (kept.length === 0) sessions.delete(k)
      else sessions.set(k, kept)
    })
  }

  return applySession
}

/**
 * The window store's key for a group: a single text value as it is (no JSON text to build and hash
 * per record), anything else as JSON. A column's values are all of its one type, so a text key
 * never meets the JSON text of another group.
 */
function windowGroupText(key: readonly unknown[]): string {
  const only = key[0]
  return key.length === 1 && typeof only === 'string' ? only : JSON.stringify(key)
}

function compileAggregate(
  call: AggregateCall,
  scope: CompileScope,
  context: OperatorContext,
): CompiledAggregate {
  const fn = context.functions.aggregate(call.name)
  if (fn === undefined) throw new Error(`Can't find any functions with the name '${call.name}'`)
  const args: Compiled[] = call.args.map((a) => compileExpression(a, scope))
  const resolution = fn.resolve(
    args.map((a) => (a.literal !== undefined ? { type: a.type, literal: a.literal } : { type: a.type })),
  )
  if (!resolution.ok) throw new Error(resolution.message)
  // Constant configuration arguments (TOPK's k, LATEST_BY_OFFSET's ignoreNulls) are not per-row inputs;
  // the library says which arguments feed add/undo, else every non-literal argument does.
  const indexes = (resolution.value as { readonly argumentIndexes?: readonly number[] }).argumentIndexes
  const perRow =
    indexes === undefined
      ? args.filter((a, i) => a.literal === undefined || i === 0).map((a) => a.evaluate)
      : indexes.map((i) => (args[i] as Compiled).evaluate)
  return { fn: resolution.value, args: perRow }
}
