/**
 * The slice of a MySQL connection the warehouse writer uses. One connection, not a pool: the
 * rows and the positions of a batch must go through the same transaction.
 */
export interface WarehouseConnection {
  /** Rows for SELECT; a result header ({ affectedRows }) for writes. */
  query(sql: string, params?: readonly unknown[]): Promise<unknown>
  close(): Promise<void>
}

export type ConnectWarehouse = () => Promise<WarehouseConnection>

export function rowsOf(result: unknown): readonly Record<string, unknown>[] {
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : []
}

export function affectedRowsOf(result: unknown): number {
  const affected = (result as { affectedRows?: unknown } | null)?.affectedRows
  return typeof affected === 'number' ? affected : 0
}
