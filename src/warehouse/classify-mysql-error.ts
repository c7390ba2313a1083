/**
 * What to do about an error from MySQL/MariaDB:
 * - `connection`: the server is gone, restarting or busy; the transaction did not commit (or its
 *   COMMIT is in doubt, which re-applying the same batch resolves): reconnect and retry the batch.
 * - `data`: this statement's rows were refused (out of range, too long, bad JSON...); InnoDB rolled
 *   back only the statement, so the writer isolates the bad rows and rejects them.
 * - `fatal`: anything else (missing table, no privilege, syntax): stop with a clear error.
 */
export type MysqlErrorClass = 'connection' | 'data' | 'fatal'

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'CR_SERVER_GONE_ERROR',
  'CR_SERVER_LOST',
])

// errno: 1040 too many connections, 1053 shutdown, 1205 lock wait, 1213 deadlock, 1317 interrupted,
// 1927 connection killed (MariaDB), 2006/2013 server gone/lost, 4031 idle timeout (MySQL 8).
const CONNECTION_ERRNOS = new Set([1040, 1053, 1205, 1213, 1317, 1927, 2006, 2013, 4031])

// 1048 NULL in NOT NULL, 1062 duplicate on a secondary unique key, 1264/1690 out of range,
// 1265 truncated, 1292/1366/1367/1411 wrong value, 1406 too long, 1451/1452 foreign key,
// 3140/3156 invalid JSON, 3819 (MySQL) / 4025 (MariaDB) CHECK constraint (MariaDB's JSON is one).
const DATA_ERRNOS = new Set([
  1048, 1062, 1264, 1265, 1292, 1366, 1367, 1406, 1411, 1451, 1452, 1690, 3140, 3156, 3819, 4025,
])

export function classifyMysqlError(error: unknown): MysqlErrorClass {
  if (typeof error !== 'object' || error === null) return 'fatal'
  const { code, errno, fatal } = error as { code?: unknown; errno?: unknown; fatal?: unknown }
  if (typeof errno === 'number' && DATA_ERRNOS.has(errno)) return 'data'
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return 'connection'
  if (typeof errno === 'number' && CONNECTION_ERRNOS.has(errno)) return 'connection'
  // mysql2 marks errors after which the connection is unusable as fatal.
  if (fatal === true) return 'connection'
  if (error instanceof Error && /closed state|connection is closed|not connected/i.test(error.message))
    return 'connection'
  return 'fatal'
}
