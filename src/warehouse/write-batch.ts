import { buildDeleteByKeys, buildUpsert } from '../mysql/build-upsert.ts'
import type { TopicPartitionOffset } from '../kafka/ports.ts'
import { DipError, errorMessage } from '../shared/errors.ts'
import { savePositionsStatement, saveRejectsStatement } from './bookkeeping.ts'
import { classifyMysqlError } from './classify-mysql-error.ts'
import type { PlannedUpsert, TablePlan } from './plan-batch.ts'
import type { Reject } from './warehouse-record.ts'
import type { WarehouseConnection } from './warehouse-connection.ts'

export interface TableCounts {
  readonly records: number
  readonly upserted: number
  readonly deleted: number
  readonly rejected: number
}

export interface WriteBatchInput {
  readonly consumer: string
  readonly plans: readonly TablePlan[]
  /** Next offsets after this batch, stored with the rows. */
  readonly positions: readonly TopicPartitionOffset[]
  /**
   * The positions this writer believes dip_offsets holds for the same partitions (null: no row).
   * They are checked under a row lock, so two sinks with one consumer name cannot both write.
   */
  readonly expected?: readonly ExpectedPosition[]
}

export interface ExpectedPosition {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint | null
}

export interface WriteBatchOptions {
  /** Rows per INSERT statement (bounded so a statement stays well under max_allowed_packet). */
  readonly maxRowsPerStatement?: number
}

/**
 * Writes one batch in one transaction: deletes, upserts, rejects and the new positions commit
 * together or not at all. A statement refused for its data is split in halves until the refused
 * rows are isolated; they become rejects and the rest of the batch is written. Connection errors
 * propagate (the transaction is then rolled back by the server) for the caller to retry the batch.
 */
export async function writeBatch(
  connection: WarehouseConnection,
  input: WriteBatchInput,
  options: WriteBatchOptions = {},
): Promise<Map<string, TableCounts>> {
  const maxRows = options.maxRowsPerStatement ?? 1000
  const counts = new Map<string, TableCounts>()
  const rejects: Reject[] = []
  await connection.query('START TRANSACTION')
  try {
    if ((await checkPositions(connection, input)) === 'already-written') {
      await connection.query('ROLLBACK')
      return counts
    }
    for (const plan of input.plans) {
      const { table } = plan
      const keyNames = table.keyColumns.map((column) => column.mysql.name)
      for (const chunk of chunks(plan.deletes, maxRows)) {
        const statement = buildDeleteByKeys(
          table.table,
          keyNames,
          chunk.map((op) => op.key),
        )
        await connection.query(statement.sql, statement.params)
      }
      const refused: Reject[] = []
      for (const chunk of chunks(plan.upserts, maxRows)) {
        await upsertIsolatingRejects(connection, plan, chunk, refused)
      }
      rejects.push(...plan.rejects, ...refused)
      const previous = counts.get(table.table) ?? { records: 0, upserted: 0, deleted: 0, rejected: 0 }
      counts.set(table.table, {
        records: previous.records + plan.records,
        upserted: previous.upserted + plan.upserts.length - refused.length,
        deleted: previous.deleted + plan.deletes.length,
        rejected: previous.rejected + plan.rejects.length + refused.length,
      })
    }
    for (const chunk of chunks(rejects, 200)) {
      const statement = saveRejectsStatement(input.consumer, chunk)
      await connection.query(statement.sql, statement.params)
    }
    if (input.positions.length > 0) {
      const statement = savePositionsStatement(input.consumer, input.positions)
      await connection.query(statement.sql, statement.params)
    }
    await connection.query('COMMIT')
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined)
    throw error
  }
  return counts
}

/**
 * Locks this batch's dip_offsets rows and compares them with what the writer expects. Finding the
 * batch's own end position means an earlier attempt committed although its COMMIT reply was lost.
 */
async function checkPositions(
  connection: WarehouseConnection,
  input: WriteBatchInput,
): Promise<'ok' | 'already-written'> {
  if (input.expected === undefined) return 'ok'
  let alreadyWritten = input.expected.length > 0
  for (const expected of input.expected) {
    const { rows } = await connection.query(
      'SELECT next_offset FROM dip_offsets WHERE consumer = ? AND topic = ? AND `partition` = ? FOR UPDATE',
      [input.consumer, expected.topic, expected.partition],
    )
    const raw = rows[0]?.['next_offset']
    const stored = raw === undefined || raw === null ? null : BigInt(String(raw))
    const target = input.positions.find(
      (p) => p.topic === expected.topic && p.partition === expected.partition,
    )
    if (stored !== null && target !== undefined && stored === target.offset) continue
    alreadyWritten = false
    if (stored !== expected.offset) {
      throw new DipError(
        'DIP_SINK',
        `Another sink moved the position of ${expected.topic}[${expected.partition}] for consumer '${input.consumer}' ` +
          `(expected ${expected.offset ?? 'none'}, found ${stored ?? 'none'}).`,
        {
          hint: 'Run one `dip consume warehouse` per consumer name at a time (or give each its own --consumer); restart this one to resume.',
        },
      )
    }
  }
  return alreadyWritten ? 'already-written' : 'ok'
}

async function upsertIsolatingRejects(
  connection: WarehouseConnection,
  plan: TablePlan,
  rows: readonly PlannedUpsert[],
  refused: Reject[],
): Promise<void> {
  const { table } = plan
  const statement = buildUpsert(
    table.table,
    table.columns.map((column) => column.mysql.name),
    rows.map((row) => row.values),
    { keyColumns: table.keyColumns.map((column) => column.mysql.name) },
  )
  try {
    await connection.query(statement.sql, statement.params)
  } catch (error) {
    if (classifyMysqlError(error) !== 'data') throw error
    const [only] = rows
    if (rows.length === 1 && only !== undefined) {
      refused.push({
        ref: only.ref,
        table: table.table,
        reason: `MySQL refused the row: ${errorMessage(error)}`,
      })
      return
    }
    const half = Math.ceil(rows.length / 2)
    await upsertIsolatingRejects(connection, plan, rows.slice(0, half), refused)
    await upsertIsolatingRejects(connection, plan, rows.slice(half), refused)
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size)
}
