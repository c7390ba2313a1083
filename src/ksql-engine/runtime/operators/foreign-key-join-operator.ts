import { compileExpression, type CompileScope } from '../../expression/compile-expression.ts'
import type { Row } from '../../expression/row.ts'
import type { ExecutionStep } from '../../planner/execution-plan.ts'
import type { StoredRecord } from '../in-memory-topics.ts'
import { createInMemoryStore } from '../state/key-value-store.ts'
import type { Downstream, OperatorContext } from './operator.ts'
import { createSourceOperator } from './source-operator.ts'
import { storeKey } from './stream-table-join-operator.ts'

export type ForeignKeyJoinStep = ExecutionStep & { kind: 'foreignKeyJoinV1' }

/** The two inputs of a foreign-key join: the left table's changes, the right table topic's records. */
export interface ForeignKeyJoinOperator {
  readonly left: Downstream
  readonly rightRecord: (record: StoredRecord) => void
}

/** A left row subscribed to a foreign key, with the time of the left change that subscribed it. */
interface Subscription {
  readonly leftKey: readonly unknown[]
  readonly timestamp: number
}

/**
 * Kafka Streams' foreign-key KTable-KTable join. Stores: the left rows by left key, the right rows
 * by right key, and the subscriptions (left keys) per foreign key. Rules, per left change:
 * - a new left row emits its join when the right row exists (LEFT: always, with NULL right columns);
 * - an update drops the old subscription when the foreign key changed, then emits the new join, or
 *   a tombstone (INNER) / the left row alone (LEFT) when no right row matches, so a result set by
 *   the old foreign key never lingers;
 * - a left tombstone emits a tombstone.
 * A right change re-joins every subscribed left row (right tombstone: INNER tombstones, LEFT left
 * rows alone), in key order. A result's time is the later of the left change's and the right row's.
 */
export function createForeignKeyJoinOperator(
  step: ForeignKeyJoinStep,
  leftScope: CompileScope,
  leftWidth: number,
  context: OperatorContext,
  next: Downstream,
): ForeignKeyJoinOperator {
  const leftStore = createInMemoryStore<Row>()
  const rightStore = createInMemoryStore<Row>()
  const subscriptions = createInMemoryStore<Map<string, Subscription>>()
  const emitted = createInMemoryStore<Row>()
  const foreignKeyOf = compileExpression(step.foreignKey, leftScope).evaluate
  const rightWidth = step.right.schema.value.length + 3 + step.right.schema.key.length
  const columns = (row: Row | undefined, width: number): unknown[] =>
    row === undefined
      ? new Array<unknown>(width).fill(null)
      : [...(row.value ?? []), row.timestamp, row.partition, row.offset, ...row.key]

  const extract = (row: Row | undefined): string | null => {
    if (row === undefined) return null
    try {
      return storeKey(foreignKeyOf(row))
    } catch (error) {
      context.logError((error as Error).message, row)
      return null
    }
  }

  /** Emits the join of `left` (or a tombstone for `leftKey`) with the right row, or its absence. */
  const emit = (
    leftKey: readonly unknown[],
    left: Row | undefined,
    right: Row | undefined,
    at: Row,
  ): void => {
    const key = storeKey(leftKey) as string
    const holds = left !== undefined && (right !== undefined || step.joinType === 'LEFT')
    const result: Row = {
      key: [...leftKey],
      value: holds ? [...columns(left, leftWidth), ...columns(right, rightWidth)] : null,
      timestamp: Math.max(at.timestamp, right?.timestamp ?? at.timestamp),
      partition: at.partition,
      offset: at.offset,
      window: null,
    }
    const prior = emitted.get(key) ?? null
    if (holds) emitted.put(key, result)
    else emitted.delete(key)
    next(result, prior)
  }

  const subscribe = (fk: string, leftKey: readonly unknown[], timestamp: number): void => {
    const subs = subscriptions.get(fk) ?? new Map<string, Subscription>()
    subs.set(storeKey(leftKey) as string, { leftKey, timestamp })
    subscriptions.put(fk, subs)
  }
  const unsubscribe = (fk: string, leftKey: readonly unknown[]): void => {
    const subs = subscriptions.get(fk)
    if (subs === undefined) return
    subs.delete(storeKey(leftKey) as string)
    if (subs.size === 0) subscriptions.delete(fk)
  }

  const onLeft: Downstream = (row) => {
    const key = storeKey(row.key.length === 1 ? row.key[0] : row.key)
    if (key === null) return
    const old = leftStore.get(key)
    const current = row.value === null ? undefined : row
    if (current === undefined) leftStore.delete(key)
    else leftStore.put(key, current)
    const oldFk = extract(old)
    const newFk = extract(current)
    if (oldFk !== null && oldFk !== newFk) unsubscribe(oldFk, row.key)
    if (current === undefined) {
      // Deleting the left row deletes its result; INNER rows that never had a foreign key had none.
      if (old !== undefined && (oldFk !== null || step.joinType === 'LEFT')) {
        emit(row.key, undefined, oldFk === null ? undefined : rightStore.get(oldFk), row)
      }
      return
    }
    if (newFk !== null) subscribe(newFk, row.key, row.timestamp)
    const right = newFk === null ? undefined : rightStore.get(newFk)
    // A new left row without a match has no INNER result to emit; an updated one unsets its old one.
    if (right === undefined && step.joinType === 'INNER' && old === undefined) return
    emit(row.key, current, right, row)
  }

  const onRight = (row: Row): void => {
    const key = storeKey(row.key[0])
    if (key === null) return
    const old = rightStore.get(key)
    const current = row.value === null ? undefined : row
    if (current === undefined && old === undefined) return
    if (current === undefined) rightStore.delete(key)
    else rightStore.put(key, current)
    const subs = [...(subscriptions.get(key)?.values() ?? [])].sort((a, b) =>
      compareKeys(a.leftKey, b.leftKey),
    )
    for (const sub of subs) {
      const left = leftStore.get(storeKey(sub.leftKey.length === 1 ? sub.leftKey[0] : sub.leftKey) as string)
      if (left === undefined) continue
      emit(sub.leftKey, left, current, { ...row, timestamp: Math.max(row.timestamp, sub.timestamp) })
    }
  }

  const rightRecord = createSourceOperator(step.right, context, (row) => onRight(row))
  return { left: onLeft, rightRecord }
}

/** Orders left keys as their serialized bytes sort (the subscription store's prefix scan). */
function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValue(a[i], b[i])
    if (c !== 0) return c
  }
  return a.length - b.length
}

function compareValue(a: unknown, b: unknown): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    // Big-endian two's complement: non-negative values sort before negative ones.
    const sign = (v: number | bigint): number => (v < 0 ? 1 : 0)
    if (sign(a) !== sign(b)) return sign(a) - sign(b)
    return a < b ? -1 : a > b ? 1 : 0
  }
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}
