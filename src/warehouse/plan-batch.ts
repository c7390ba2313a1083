import { assertNever } from '../shared/assert-never.ts'
import type { BoundColumn, BoundTable } from './bind-table.ts'
import { ConversionError, convertValue } from './convert-value.ts'
import type { RecordRef, Reject, WarehouseRecord } from './warehouse-record.ts'

export interface PlannedUpsert {
  readonly ref: RecordRef
  /** Parameters in `table.columns` order. */
  readonly values: readonly unknown[]
}

export interface PlannedDelete {
  readonly ref: RecordRef
  /** Parameters in `table.keyColumns` order. */
  readonly key: readonly unknown[]
}

/** What one batch does to one MySQL table, with at most one operation per row key. */
export interface TablePlan {
  readonly table: BoundTable
  readonly upserts: readonly PlannedUpsert[]
  readonly deletes: readonly PlannedDelete[]
  readonly rejects: readonly Reject[]
  readonly records: number
}

/**
 * Records (in offset order) → the final operation per key. Only the last record of a key matters
 * for the table's end state, so a batch with 10 updates of one key writes one row; a record that
 * cannot be converted is rejected and leaves the key's earlier operation in place.
 */
export function planBatch(table: BoundTable, records: readonly WarehouseRecord[]): TablePlan {
  const byKey = new Map<
    string,
    | { readonly kind: 'upsert'; readonly op: PlannedUpsert }
    | { readonly kind: 'delete'; readonly op: PlannedDelete }
  >()
  const rejects: Reject[] = []
  const keyIndexes = table.keyColumns.map((column) => table.columns.indexOf(column))
  const reject = (ref: RecordRef, reason: string) => rejects.push({ ref, table: table.table, reason })
  for (const record of records) {
    switch (record.kind) {
      case 'invalid':
        reject(record.ref, record.reason)
        break
      case 'row': {
        const values = convertColumns(table.columns, record.row)
        if (typeof values === 'string') {
          reject(record.ref, values)
          break
        }
        const key = keyIndexes.map((index) => values[index])
        byKey.set(keyText(key), { kind: 'upsert', op: { ref: record.ref, values } })
        break
      }
      case 'delete': {
        const key = convertColumns(table.keyColumns, record.key)
        if (typeof key === 'string') {
          reject(record.ref, key)
          break
        }
        byKey.set(keyText(key), { kind: 'delete', op: { ref: record.ref, key } })
        break
      }
      default:
        assertNever(record, 'record')
    }
  }
  const upserts: PlannedUpsert[] = []
  const deletes: PlannedDelete[] = []
  for (const entry of byKey.values()) {
    if (entry.kind === 'upsert') upserts.push(entry.op)
    else deletes.push(entry.op)
  }
  return { table, upserts, deletes, rejects, records: records.length }
}

/** Column values looked up case-insensitively (JSON fields match ksqlDB columns that way, spec A2). */
function convertColumns(
  columns: readonly BoundColumn[],
  row: Readonly<Record<string, unknown>>,
): unknown[] | string {
  let upper: Map<string, unknown> | undefined
  const values: unknown[] = []
  for (const column of columns) {
    let value: unknown = row[column.mapping.source]
    if (value === undefined && !(column.mapping.source in row)) {
      upper ??= new Map(Object.entries(row).map(([name, v]) => [name.toUpperCase(), v]))
      value = upper.get(column.mapping.source.toUpperCase())
    }
    try {
      values.push(convertValue(value, column.mysql, column.mapping.type))
    } catch (error) {
      if (error instanceof ConversionError) return `column ${column.mysql.name}: ${error.message}`
      throw error
    }
  }
  return values
}

/** Identity of a row key; primitives are joined directly (the common case), anything else as JSON. */
function keyText(key: readonly unknown[]): string {
  let text = ''
  for (const part of key) {
    if (typeof part === 'string') text += `s${part.length}:${part}`
    else if (typeof part === 'number' || typeof part === 'bigint' || typeof part === 'boolean')
      text += `n${String(part)};`
    else if (part === null || part === undefined) text += 'z;'
    else if (Buffer.isBuffer(part)) text += `b${part.toString('base64')};`
    else text += `j${JSON.stringify(part)};`
  }
  return text
}
