import { compileExpression, type CompileScope } from '../../expression/compile-expression.ts'
import type { Row } from '../../expression/row.ts'
import type { ExecutionStep } from '../../planner/execution-plan.ts'
import type { StoredRecord } from '../in-memory-topics.ts'
import { createInMemoryStore } from '../state/key-value-store.ts'
import type { Downstream, OperatorContext } from './operator.ts'
import { createSourceOperator } from './source-operator.ts'
import { sideColumns, sideWidth, windowedKey } from './join-row.ts'

export type StreamTableJoinStep = ExecutionStep & { kind: 'streamTableJoinV1' }

/** The two inputs of a stream-table join: stream rows, and the table topic's records. */
export interface StreamTableJoinOperator {
  readonly stream: Downstream
  readonly tableRecord: (record: StoredRecord) => void
}

/**
 * Stream-table join as Kafka Streams runs it: the table's records keep a store of its latest row
 * per key (tombstones delete); each stream row is re-keyed by the join expression and looks that
 * key up once, when it arrives. INNER drops rows without a match; LEFT emits them with the
 * table's columns NULL. Table updates emit nothing.
 */
export function createStreamTableJoinOperator(
  step: StreamTableJoinStep,
  streamScope: CompileScope,
  context: OperatorContext,
  next: Downstream,
): StreamTableJoinOperator {
  const store = createInMemoryStore<Row>()
  const leftKey = compileExpression(step.leftKey, streamScope).evaluate
  const rightWidth = sideWidth(step.right)
  const tableRecord = createSourceOperator(step.right, context, (row) => {
    const plain = storeKey(row.key[0])
    if (plain === null) return
    const key = windowedKey(plain, row.window, step.right.window)
    if (row.value === null) store.delete(key)
    else store.put(key, row)
  })
  const stream: Downstream = (row) => {
    // Kafka Streams drops stream records without a value before the join.
    if (row.value === null) return
    let joinKey: unknown
    try {
      joinKey = leftKey(row)
    } catch (error) {
      context.logError((error as Error).message, row)
      return
    }
    const key = storeKey(joinKey)
    const match = key === null ? undefined : store.get(windowedKey(key, row.window, step.right.window))
    if (match === undefined && step.joinType === 'INNER') return
    next(
      {
        key: [joinKey ?? null],
        value: [...sideColumns(row, 0), ...sideColumns(match, rightWidth)],
        timestamp: row.timestamp,
        partition: row.partition,
        offset: row.offset,
        window: row.window,
      },
      null,
    )
  }
  return { stream, tableRecord }
}

/** Store key of a join key value: numbers of any integer width meet, NULL never matches. */
export function storeKey(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' || typeof value === 'bigint') return `n:${String(value)}`
  if (typeof value === 'string') return `s:${value}`
  if (Buffer.isBuffer(value)) return `b:${value.toString('base64')}`
  return `j:${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`
}
