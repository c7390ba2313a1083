import type { Row } from '../../expression/row.ts'
import type { ExecutionStep } from '../../planner/execution-plan.ts'
import type { StoredRecord } from '../in-memory-topics.ts'
import { createInMemoryStore } from '../state/key-value-store.ts'
import type { Downstream, OperatorContext } from './operator.ts'
import { createSourceOperator } from './source-operator.ts'
import { storeKey } from './stream-table-join-operator.ts'
import { sideColumns, sideWidth, windowedKey } from './join-row.ts'

export type TableTableJoinStep = ExecutionStep & { kind: 'tableTableJoinV1' }

/** The two inputs of a table-table join: the left table's changes, the right table topic's records. */
export interface TableTableJoinOperator {
  readonly left: Downstream
  readonly rightRecord: (record: StoredRecord) => void
}

/**
 * Kafka Streams' KTable-KTable join on the primary key: both sides keep their latest row per key;
 * a change on one side re-joins its key with the other side's row and is forwarded when the join
 * type lets that side drive it (INNER: both present; LEFT: the left side, or a right change while
 * the left row exists; RIGHT: mirrored; FULL: any). A join result that no longer holds is a
 * tombstone. The result's time is the later of the two rows'; each emission carries the previous
 * result for its key, as table changes do downstream.
 */
export function createTableTableJoinOperator(
  step: TableTableJoinStep,
  leftWidth: number,
  context: OperatorContext,
  next: Downstream,
): TableTableJoinOperator {
  const leftStore = createInMemoryStore<Row>()
  const rightStore = createInMemoryStore<Row>()
  const emitted = createInMemoryStore<Row>()
  const rightWidth = sideWidth(step.right)
  const columns = sideColumns

  const onChange = (side: 'left' | 'right', row: Row): void => {
    const plain = storeKey(row.key[0])
    if (plain === null) return
    const key = windowedKey(plain, row.window, step.right.window)
    const store = side === 'left' ? leftStore : rightStore
    if (row.value === null) store.delete(key)
    else store.put(key, row)
    const l = leftStore.get(key)
    const r = rightStore.get(key)
    const other = side === 'left' ? r : l
    const drives =
      step.joinType === 'FULL' ||
      (step.joinType === 'INNER' && other !== undefined) ||
      (step.joinType === 'LEFT' && (side === 'left' || l !== undefined)) ||
      (step.joinType === 'RIGHT' && (side === 'right' || r !== undefined))
    if (!drives) return
    const holds =
      step.joinType === 'INNER'
        ? l !== undefined && r !== undefined
        : step.joinType === 'LEFT'
          ? l !== undefined
          : step.joinType === 'RIGHT'
            ? r !== undefined
            : l !== undefined || r !== undefined
    const prior = emitted.get(key) ?? null
    if (!holds && prior === null) return
    const result: Row = {
      key: [row.key[0]],
      value: holds ? [...columns(l, leftWidth), ...columns(r, rightWidth)] : null,
      timestamp: Math.max(row.timestamp, other?.timestamp ?? row.timestamp),
      partition: row.partition,
      offset: row.offset,
      window: row.window,
    }
    if (holds) emitted.put(key, result)
    else emitted.delete(key)
    next(result, prior)
  }
  const rightRecord = createSourceOperator(step.right, context, (row) => onChange('right', row))
  return { left: (row) => onChange('left', row), rightRecord }
}
