/**
 * The subset of a MySQL driver that dip uses, declared on our side (like kysely's MysqlPool): the
 * sinks and `dip db apply` depend on these interfaces only; src/mysql/connect.ts is the one file
 * that imports mysql2.
 */
export type SqlParams = readonly unknown[]

export interface QueryResult {
  /** Rows of a SELECT (column name → value); empty for other statements. */
  readonly rows: readonly Readonly<Record<string, unknown>>[]
  /** INSERT/UPDATE/DELETE: rows changed (an upsert that updates counts 2, MySQL's convention). */
  readonly affectedRows: number
  /** Warnings and notes the statement raised (e.g. "table already exists" for IF NOT EXISTS). */
  readonly warningCount: number
}

export interface MysqlQueryable {
  /** One statement; `?` placeholders are filled from `params` by the driver (escaped client-side). */
  query(sql: string, params?: SqlParams): Promise<QueryResult>
}

/** One connection taken from the pool, for statements that must share a transaction. */
export interface MysqlConnection extends MysqlQueryable {
  beginTransaction(): Promise<void>
  commit(): Promise<void>
  rollback(): Promise<void>
  /** Gives the connection back to the pool. */
  release(): void
}

export interface MysqlPool extends MysqlQueryable {
  getConnection(): Promise<MysqlConnection>
  end(): Promise<void>
}

/** A driver error as mysql2 reports it: `code` like 'ER_PARSE_ERROR', `errno`, `sqlState`. */
export interface MysqlDriverError {
  readonly message: string
  readonly code?: string
  readonly errno?: number
  readonly sqlState?: string
}

export function isMysqlDriverError(error: unknown): error is Error & MysqlDriverError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string'
}

/** Runs `work` in a transaction on one connection: commit when it resolves, rollback when it throws. */
export async function withTransaction<T>(
  pool: MysqlPool,
  work: (connection: MysqlConnection) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection()
  try {
    await connection.beginTransaction()
    const result = await work(connection)
    await connection.commit()
    return result
  } catch (error) {
    await connection.rollback().catch(() => undefined)
    throw error
  } finally {
    connection.release()
  }
}
