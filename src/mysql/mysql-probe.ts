import mysql from 'mysql2/promise'
import { errorMessage } from '../shared/errors.ts'
import { PROBE_TIMEOUT_MS, type Probe } from '../shared/probe.ts'

export interface MysqlProbeOptions {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database?: string
  readonly timeoutMs?: number
}

/** `SELECT 1` and the server version over TCP, with the configured user. */
export function mysqlProbe(options: MysqlProbeOptions): Probe {
  return async () => {
    let connection: mysql.Connection | undefined
    try {
      connection = await mysql.createConnection({
        host: options.host,
        port: options.port,
        user: options.user,
        password: options.password,
        ...(options.database === undefined ? {} : { database: options.database }),
        connectTimeout: options.timeoutMs ?? PROBE_TIMEOUT_MS,
      })
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT 1 AS ok, VERSION() AS version')
      const version = rows[0]?.['version']
      return { healthy: rows[0]?.['ok'] === 1, version: typeof version === 'string' ? version : null }
    } catch (error) {
      return { healthy: false, version: null, detail: errorMessage(error) }
    } finally {
      await connection?.end().catch(() => undefined)
    }
  }
}
