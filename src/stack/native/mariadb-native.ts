import { existsSync, readdirSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import mysql from 'mysql2/promise'
import { DipError, errorMessage } from '../../shared/errors.ts'
import type { CommandRunner } from '../command-runner.ts'
import type { MysqlBinaries } from './mysql-server-choice.ts'
import type { NativePaths } from './native-paths.ts'
import { spawnDetached, type Spawned } from './processes.ts'

/**
 * A private MariaDB (or MySQL) server: its own data dir, socket and port, no option files read
 * (--no-defaults), so a system server on the same machine is never touched.
 */
export interface MysqlNativeSettings {
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database: string
}

const BOOTSTRAPPED_MARKER = '.dip-bootstrapped'

/** The data dir holds every table and password hash: only the server's user may read it. */
const PRIVATE_DIR = 0o700
/** The server creates its socket world-writable (0777), which lets any local user connect. */
const PRIVATE_SOCKET = 0o600

const runningAsRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** Creates the system tables once. A non-empty data dir without them is reported as corrupt. */
export async function prepareMysql(
  paths: NativePaths,
  binaries: MysqlBinaries,
  runner: CommandRunner,
): Promise<{ initialized: boolean }> {
  if (checkMysqlDataDir(paths.mysqlDataDir) === 'initialized') {
    await chmod(paths.mysqlDataDir, PRIVATE_DIR)
    return { initialized: false }
  }
  await mkdir(paths.mysqlDataDir, { recursive: true, mode: PRIVATE_DIR })
  await mkdir(paths.logsDir, { recursive: true })
  const result = await runner.run(binaries.installDb, [
    '--no-defaults',
    ...basedirArgs(binaries),
    `--datadir=${paths.mysqlDataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...(runningAsRoot() ? ['--user=root'] : []),
  ])
  await writeFile(join(paths.logsDir, 'mysql-install.log'), `${result.stdout}\n${result.stderr}\n`)
  // mkdir's mode is masked by the umask and install-db may set its own: make sure at the end.
  await chmod(paths.mysqlDataDir, PRIVATE_DIR)
  if (result.exitCode !== 0) {
    throw new DipError(
      'DIP_STACK',
      `${binaries.installDb} failed (exit ${result.exitCode}) for ${paths.mysqlDataDir}:\n${result.stderr.trim().split('\n').slice(-8).join('\n')}`,
      { hint: `See ${join(paths.logsDir, 'mysql-install.log')}; then \`dip down --purge\` and \`dip up\`.` },
    )
  }
  return { initialized: true }
}

/**
 * MariaDB 11.4 creates a self-signed 4096-bit RSA key for TLS on every start: 10-40 s of CPU on a busy
 * 2-core machine before the first connection. The private server only listens on 127.0.0.1 and its
 * socket, so TLS buys nothing there. (MySQL 8.4 dropped --skip-ssl, hence MariaDB only.)
 */
function skipTlsArgs(binaries: MysqlBinaries): string[] {
  return binaries.choice === 'bundled' || basename(binaries.server) === 'mariadbd' ? ['--skip-ssl'] : []
}

function basedirArgs(binaries: MysqlBinaries): string[] {
  return binaries.basedir === undefined ? [] : [`--basedir=${binaries.basedir}`]
}

export function checkMysqlDataDir(dataDir: string): 'empty' | 'initialized' {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) return 'empty'
  if (existsSync(join(dataDir, 'mysql')) && readdirSync(join(dataDir, 'mysql')).length > 0)
    return 'initialized'
  throw new DipError(
    'DIP_DATA_DIR',
    `The MySQL data dir ${dataDir} is not usable: it is not empty but has no system tables (mysql/).`,
    { hint: 'Delete the native stack state with `dip down --purge` (databases are lost), then `dip up`.' },
  )
}

export function startMysql(
  paths: NativePaths,
  binaries: MysqlBinaries,
  settings: MysqlNativeSettings,
): Promise<Spawned> {
  return spawnDetached({
    command: binaries.server,
    args: [
      '--no-defaults',
      ...basedirArgs(binaries),
      `--datadir=${paths.mysqlDataDir}`,
      `--socket=${paths.mysqlSocket}`,
      `--port=${settings.port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(paths.mysqlDir, 'mariadbd.pid')}`,
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--innodb-buffer-pool-size=64M',
      '--max-connections=300',
      ...skipTlsArgs(binaries),
      ...(runningAsRoot() ? ['--user=root'] : []),
    ],
    logFile: paths.mysqlLog,
    pidFile: paths.mysqlPid,
    cwd: paths.mysqlDir,
  })
}

/**
 * Once per data dir: give root and the configured user the configured password, allow TCP logins
 * from 127.0.0.1 and localhost, and create the database. Runs over the private socket as root,
 * whose password is still empty right after mariadb-install-db.
 */
export async function bootstrapMysql(paths: NativePaths, settings: MysqlNativeSettings): Promise<void> {
  const marker = join(paths.mysqlDir, BOOTSTRAPPED_MARKER)
  if (existsSync(marker)) return
  const connection = await connectSocket(paths, ['', settings.password])
  try {
    const users = settings.user === 'root' ? ['root'] : ['root', settings.user]
    for (const user of users) {
      for (const host of ['localhost', '127.0.0.1']) {
        await connection.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [
          user,
          host,
          settings.password,
        ])
        await connection.query('ALTER USER ?@? IDENTIFIED BY ?', [user, host, settings.password])
        await connection.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [user, host])
      }
    }
    // install-db also creates password-less root@<hostname>, root@::1 and anonymous accounts; the
    // private server only listens on 127.0.0.1, but it should not carry open accounts at all.
    const [extra] = await connection.query<mysql.RowDataPacket[]>(
      "SELECT User, Host FROM mysql.user WHERE (User = '' OR User = 'root') AND Host NOT IN ('localhost', '127.0.0.1')",
    )
    for (const row of extra) await connection.query('DROP USER ?@?', [row['User'], row['Host']])
    await connection.query(`CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(settings.database)}`)
    await connection.query('FLUSH PRIVILEGES')
  } finally {
    await connection.end().catch(() => undefined)
  }
  await writeFile(marker, `${new Date().toISOString()}\n`)
}

/** Creates the configured database if a later config names another one. */
export async function ensureDatabase(settings: MysqlNativeSettings): Promise<void> {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: settings.port,
    user: settings.user,
    password: settings.password,
  })
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(settings.database)}`)
  } finally {
    await connection.end().catch(() => undefined)
  }
}

/** The server answers on its socket: a login as root works, or is refused (a server is up to refuse it). */
export async function socketAnswers(paths: NativePaths): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({
      socketPath: paths.mysqlSocket,
      user: 'root',
      password: '',
      connectTimeout: 3000,
    })
    await connection.end().catch(() => undefined)
    await restrictSocket(paths)
    return true
  } catch (error) {
    const refused = (error as { errno?: number }).errno === ER_ACCESS_DENIED
    if (refused) await restrictSocket(paths)
    return refused
  }
}

const ER_ACCESS_DENIED = 1045

/** The first moment the socket is known to exist (the server just answered on it): owner-only. */
export async function restrictSocket(paths: Pick<NativePaths, 'mysqlSocket'>): Promise<void> {
  await chmod(paths.mysqlSocket, PRIVATE_SOCKET).catch(() => undefined)
}

async function connectSocket(paths: NativePaths, passwords: readonly string[]): Promise<mysql.Connection> {
  let lastError: unknown
  for (const password of passwords) {
    try {
      return await mysql.createConnection({
        socketPath: paths.mysqlSocket,
        user: 'root',
        password,
        connectTimeout: 3000,
      })
    } catch (error) {
      lastError = error
    }
  }
  throw new DipError(
    'DIP_MYSQL',
    `Cannot log in as root over ${paths.mysqlSocket}: ${errorMessage(lastError)}`,
    {
      hint: 'The data dir was set up with another password: `dip down --purge` resets it (databases are lost).',
      cause: lastError,
    },
  )
}
