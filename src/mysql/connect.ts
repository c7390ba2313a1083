import mysql from 'mysql2/promise'
import { DipError, errorMessage } from '../shared/errors.ts'
import { isMysqlDriverError, type MysqlConnection, type MysqlPool, type QueryResult } from './mysql-port.ts'

export interface MysqlConnectOptions {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database: string
  /** CREATE DATABASE IF NOT EXISTS before opening the pool (`dip db apply`). Default false. */
  readonly createDatabase?: boolean
  readonly connectTimeoutMs?: number
  readonly connectionLimit?: number
}

/**
 * Opens a mysql2 pool behind our MysqlPool port and checks it with one round trip, so an
 * unreachable server or a wrong password fails here with a message that names the fix.
 */
export async function connectMysql(options: MysqlConnectOptions): Promise<MysqlPool> {
  const target = `${options.host}:${options.port}`
  const base = {
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // TIMESTAMP values are exchanged in UTC whatever the machine's zone, so the warehouse and the
    // lake (record timestamps) agree.
    timezone: 'Z',
    supportBigNumbers: true,
    multipleStatements: false,
  } as const
  try {
    if (options.createDatabase === true) {
      const connection = await mysql.createConnection(base)
      try {
        // The database name is validated by the config schema (letters, digits, _).
        await connection.query(`CREATE DATABASE IF NOT EXISTS \`${options.database}\``)
      } finally {
        await connection.end().catch(() => undefined)
      }
    }
    const pool = mysql.createPool({
      ...base,
      database: options.database,
      connectionLimit: options.connectionLimit ?? 4,
    })
    const port = wrapPool(pool)
    try {
      await port.query('SELECT 1')
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw error
    }
    return port
  } catch (error) {
    throw connectError(target, options, error)
  }
}

function connectError(target: string, options: MysqlConnectOptions, error: unknown): DipError {
  const code = isMysqlDriverError(error) ? error.code : undefined
  switch (code) {
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'PROTOCOL_CONNECTION_LOST':
      return new DipError('DIP_MYSQL', `cannot reach MySQL at ${target} (${code})`, {
        hint: 'start the stack with `dip up`, or set mysql.host / mysql.port (DIP_MYSQL_HOST, DIP_MYSQL_PORT)',
        cause: error,
      })
    case 'ER_ACCESS_DENIED_ERROR':
      return new DipError(
        'DIP_MYSQL',
        `MySQL at ${target} refused user '${options.user}' (wrong password?)`,
        {
          hint: 'set mysql.user / mysql.password (DIP_MYSQL_USER, DIP_MYSQL_PASSWORD) to the server’s credentials',
          cause: error,
        },
      )
    case 'ER_BAD_DB_ERROR':
      return new DipError('DIP_MYSQL', `database '${options.database}' does not exist on ${target}`, {
        hint: 'create it with `dip db apply` (it creates the database and the tables)',
        cause: error,
      })
    default:
      return new DipError('DIP_MYSQL', `cannot connect to MySQL at ${target}: ${errorMessage(error)}`, {
        cause: error,
      })
  }
}

type Queryable = Pick<mysql.Pool, 'query'>

async function runQuery(
  target: Queryable,
  sql: string,
  params: readonly unknown[] | undefined,
): Promise<QueryResult> {
  const [result] = await target.query(sql, params === undefined ? undefined : [...params])
  if (Array.isArray(result)) {
    // A SELECT answers rows; a CALL answers several result sets (not used by dip).
    const rows = result.filter((row): row is mysql.RowDataPacket => !Array.isArray(row))
    return { rows, affectedRows: 0, warningCount: 0 }
  }
  const header = result as mysql.ResultSetHeader
  return { rows: [], affectedRows: header.affectedRows, warningCount: header.warningStatus }
}

function wrapPool(pool: mysql.Pool): MysqlPool {
  return {
    query: (sql, params) => runQuery(pool, sql, params),
    async getConnection(): Promise<MysqlConnection> {
      const connection = await pool.getConnection()
      return {
        query: (sql, params) => runQuery(connection, sql, params),
        beginTransaction: () => connection.beginTransaction(),
        commit: () => connection.commit(),
        rollback: () => connection.rollback(),
        release: () => connection.release(),
      }
    },
    end: () => pool.end(),
  }
}
