import type { MysqlPool, MysqlQueryable } from '../mysql/mysql-port.ts'

/**
 * One connection held for a whole run, not a pool: the rows and the positions of a batch must go
 * through the same transaction, and session settings (time zone, strict mode) stay in place.
 */
export interface WarehouseConnection extends MysqlQueryable {
  close(): Promise<void>
}

export type ConnectWarehouse = () => Promise<WarehouseConnection>

/**
 * Settings every warehouse session runs with: UTC, so DATETIME/TIMESTAMP text means the same on any
 * server; strict mode, so an out-of-range or too-long value is refused (→ dip_rejects) instead of
 * being silently clipped.
 */
export const SESSION_SETUP: readonly string[] = [
  "SET SESSION time_zone = '+00:00'",
  "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
]

/** Takes one connection from the pool and prepares its session. */
export function connectFromPool(pool: MysqlPool): ConnectWarehouse {
  return async () => {
    const connection = await pool.getConnection()
    try {
      for (const statement of SESSION_SETUP) await connection.query(statement)
    } catch (error) {
      connection.release()
      throw error
    }
    return {
      query: (sql, params) => connection.query(sql, params),
      close: () => {
        connection.release()
        return Promise.resolve()
      },
    }
  }
}
