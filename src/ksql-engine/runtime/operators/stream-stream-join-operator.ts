import { compileExpression, type CompileScope } from '../../expression/compile-expression.ts'
import type { Row } from '../../expression/row.ts'
import type { ExecutionStep } from '../../planner/execution-plan.ts'
import type { StoredRecord } from '../in-memory-topics.ts'
import {
  createJoinWindowStore,
  createPendingStore,
  keyOrderBytes,
  type JoinWindowStore,
  type PendingEntry,
} from './join-window-store.ts'
import type { Downstream, OperatorContext } from './operator.ts'
import { createSourceOperator } from './source-operator.ts'
import { storeKey } from './stream-table-join-operator.ts'
import { sideColumns, windowedKey } from './join-row.ts'

export type StreamStreamJoinStep = ExecutionStep & { kind: 'streamStreamJoinV1' }

/** The two inputs of a stream-stream join: left stream rows, and the right stream topic's records. */
export interface StreamStreamJoinOperator {
  readonly left: Downstream
  readonly rightRecord: (record: StoredRecord) => void
}

type Side = 'left' | 'right'

/** A buffered row and its evaluated join key. */
interface Keyed {
  readonly side: Side
  readonly row: Row
  readonly joinKey: unknown
}

/** Column counts of each side's part of the joined row. */
export interface JoinWidths {
  readonly left: number
  readonly right: number
}

/**
 * Kafka Streams' KStream-KStream join (with the spurious-result fix of KIP-633), as ksqlDB runs it
 * (a RIGHT JOIN is the right stream's left join): each side's rows go to its window store and are
 * matched against the other side's rows of the same key within the window; a matched pair leaves at
 * the later of the two times. On an outer side, a row without a partner waits in the pending store
 * until the stream time (the latest time seen on either side) passes its window end + grace, and
 * leaves then with the other side's columns NULL; a row already too late for that leaves at once.
 */
export function createStreamStreamJoinOperator(
  step: StreamStreamJoinStep,
  scopes: { readonly left: CompileScope; readonly right: CompileScope },
  widths: JoinWidths,
  context: OperatorContext,
  next: Downstream,
): StreamStreamJoinOperator {
  const keyOf = {
    left: compileExpression(step.leftKey, scopes.left).evaluate,
    right: compileExpression(step.rightKey, scopes.right).evaluate,
  }
  const retentionMs = step.beforeMs + step.afterMs + step.graceMs
  const stores: Record<Side, JoinWindowStore<Keyed>> = {
    left: createJoinWindowStore(retentionMs),
    right: createJoinWindowStore(retentionMs),
  }
  // Kafka Streams' left side: ksqlDB runs `R RIGHT JOIN` as R's left join of L.
  const kafkaLeftSide: Side = step.joinType === 'RIGHT' ? 'right' : 'left'
  const outer = (kafkaLeft: boolean): boolean =>
    step.joinType === 'FULL' || (kafkaLeft && step.joinType !== 'INNER')
  const pending = step.joinType === 'INNER' ? null : createPendingStore<Keyed>()
  const time = { stream: -1, min: Number.MAX_SAFE_INTEGER }

  const emit = (l: Row | null, r: Row | null, joinKey: unknown, timestamp: number, trigger: Row): void => {
    next(
      {
        key: [joinKey ?? null],
        value: [...sideColumns(l, widths.left), ...sideColumns(r, widths.right)],
        timestamp,
        partition: trigger.partition,
        offset: trigger.offset,
        window: (l ?? r)?.window ?? null,
      },
      null,
    )
  }
  const emitAlone = (entry: Keyed, timestamp: number, trigger: Row): void =>
    entry.side === 'left'
      ? emit(entry.row, null, entry.joinKey, timestamp, trigger)
      : emit(null, entry.row, entry.joinKey, timestamp, trigger)

  /** Emits (and forgets) the waiting rows whose window has closed, in the store's order. */
  const emitClosed = (joinAfterMs: number, trigger: Row): void => {
    if (pending === null || time.min + joinAfterMs + step.graceMs >= time.stream) return
    time.min = Number.MAX_SAFE_INTEGER
    let leftOpen = false
    let rightOpen = false
    for (const entry of pending.entries()) {
      time.min = entry.timestamp
      if (leftOpen && rightOpen) break
      // A Kafka-left row looks `after` ahead, a Kafka-right one `before`.
      const lookAheadMs = entry.kafkaLeft ? step.afterMs : step.beforeMs
      if (time.min + lookAheadMs + step.graceMs >= time.stream) {
        if (entry.kafkaLeft) leftOpen = true
        else rightOpen = true
        continue
      }
      emitAlone(entry.value, entry.timestamp, trigger)
      pending.remove(entry)
    }
  }

  const process = (side: Side, row: Row): void => {
    const kafkaLeft = side === kafkaLeftSide
    const joinBeforeMs = kafkaLeft ? step.beforeMs : step.afterMs
    const joinAfterMs = kafkaLeft ? step.afterMs : step.beforeMs
    const timestamp = row.timestamp
    time.stream = Math.max(time.stream, timestamp)
    // Kafka Streams skips records without a value: there is nothing to join.
    if (row.value === null) return
    let joinKey: unknown
    try {
      joinKey = keyOf[side](row)
    } catch (error) {
      context.logError((error as Error).message, row)
      return
    }
    const entry: Keyed = { side, row, joinKey }
    const key = storeKey(joinKey)
    if (key === null) {
      // A row without key can never match: an outer side emits it at once.
      if (outer(kafkaLeft)) emitAlone(entry, timestamp, row)
      return
    }
    const storedKey = windowedKey(key, row.window, step.right.window)
    stores[side].put(storedKey, timestamp, entry)
    if (timestamp === time.stream) emitClosed(joinAfterMs, row)
    const from = Math.max(0, timestamp - joinBeforeMs)
    const to = Math.max(0, timestamp + joinAfterMs)
    const other: Side = side === 'left' ? 'right' : 'left'
    const matches = stores[other].fetch(storedKey, from, to)
    for (const match of matches) {
      pending?.delete(match.timestamp, !kafkaLeft, storedKey)
      const joinedAt = Math.max(timestamp, match.timestamp)
      if (side === 'left') emit(row, match.value.row, joinKey, joinedAt, row)
      else emit(match.value.row, row, joinKey, joinedAt, row)
    }
    if (!outer(kafkaLeft) || matches.length > 0) return
    if (pending === null || to < time.stream) {
      emitAlone(entry, timestamp, row)
      return
    }
    time.min = Math.min(time.min, timestamp)
    const waiting: PendingEntry<Keyed> = {
      timestamp,
      kafkaLeft,
      key: storedKey,
      keyOrder: keyOrderBytes(joinKey, row.window?.start ?? null),
      value: entry,
    }
    pending.put(waiting)
  }

  const rightRecord = createSourceOperator(step.right, context, (row) => process('right', row))
  return { left: (row) => process('left', row), rightRecord }
}
