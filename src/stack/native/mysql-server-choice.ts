import { accessSync, constants, existsSync } from 'node:fs'
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path'
import { assertNever } from '../../shared/assert-never.ts'
import { DipError } from '../../shared/errors.ts'
import {
  findProvisionedMariadb,
  mariadbNotProvisionedError,
  mariadbRuntime,
  unsupportedPlatformError,
} from '../provision/mariadb-provision.ts'
import { mariadbArtifactFor, platformKey } from '../provision/mariadb-artifacts.ts'

type Env = Readonly<Record<string, string | undefined>>

/**
 * Which MariaDB/MySQL server the native stack runs (config `mysql.server`, env DIP_MYSQL_SERVER):
 * `bundled` (default: MariaDB from Maven Central, unpacked in dip's cache, the same on every
 * machine), `system` (a server installed on the machine, found on PATH and in the sbin folders), or
 * the path of a `mariadbd`/`mysqld` binary.
 */
export type MysqlServerChoice =
  | { readonly kind: 'bundled' }
  | { readonly kind: 'system' }
  | { readonly kind: 'path'; readonly path: string }

export interface MysqlBinaries {
  readonly server: string
  readonly installDb: string
  /** Passed as --basedir so the server finds its share/ (error messages, system tables). */
  readonly basedir: string | undefined
  readonly choice: MysqlServerChoice['kind']
}

const SERVER_NAMES = ['mariadbd', 'mysqld']
const INSTALL_DB_NAMES = ['mariadb-install-db', 'mysql_install_db']
// Server binaries live in sbin or libexec on most distributions, often outside a user's PATH.
export const SYSTEM_DIRS = [
  '/usr/sbin',
  '/usr/local/sbin',
  '/usr/libexec',
  '/usr/local/mysql/bin',
  '/opt/homebrew/bin',
]

export function parseMysqlServer(value: string, baseDir: string): MysqlServerChoice {
  if (value === 'bundled' || value === 'system') return { kind: value }
  return { kind: 'path', path: isAbsolute(value) ? value : resolve(baseDir, value) }
}

export function findExecutable(names: readonly string[], env: Env = process.env): string | undefined {
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS]
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name)
      if (isExecutable(candidate)) return candidate
    }
  }
  return undefined
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The binaries of the chosen server; throws a DipError with the fix when they are missing. */
export function resolveMysqlBinaries(choice: MysqlServerChoice, env: Env = process.env): MysqlBinaries {
  switch (choice.kind) {
    case 'bundled': {
      const platform = platformKey()
      const artifact = mariadbArtifactFor(platform)
      if (artifact === undefined) throw unsupportedPlatformError(platform)
      const runtime = findProvisionedMariadb(env, platform)
      if (runtime === undefined) throw mariadbNotProvisionedError(mariadbRuntime(artifact, env))
      return {
        server: runtime.server,
        installDb: runtime.installDb,
        basedir: runtime.home,
        choice: 'bundled',
      }
    }
    case 'system': {
      const server = findExecutable(SERVER_NAMES, env)
      const installDb = findExecutable(INSTALL_DB_NAMES, env)
      if (server === undefined || installDb === undefined)
        throw new DipError(
          'DIP_PREREQUISITE',
          `mysql.server is "system" but no MariaDB/MySQL server is installed (looked for ${[...SERVER_NAMES, ...INSTALL_DB_NAMES].join(', ')} on PATH and in ${SYSTEM_DIRS.join(', ')}).`,
          {
            hint: 'Use the bundled server (mysql.server: bundled, the default), or install one: `apt-get install mariadb-server`.',
          },
        )
      return { server, installDb, basedir: undefined, choice: 'system' }
    }
    case 'path':
      return binariesAt(choice.path, env)
    default:
      return assertNever(choice, 'mysql.server choice')
  }
}

/** A server binary named by path: its install tool is looked for beside it, then on PATH. */
function binariesAt(server: string, env: Env): MysqlBinaries {
  const fix = 'Set mysql.server to the path of a mariadbd/mysqld binary, or to bundled (the default).'
  if (!existsSync(server))
    throw new DipError('DIP_CONFIG', `mysql.server: ${server} does not exist.`, { hint: fix })
  if (!isExecutable(server) || !SERVER_NAMES.includes(basename(server)))
    throw new DipError('DIP_CONFIG', `mysql.server: ${server} is not an executable mariadbd or mysqld.`, {
      hint: fix,
    })
  const binDir = dirname(server)
  const home = dirname(binDir)
  const besides = INSTALL_DB_NAMES.flatMap((name) => [
    join(binDir, name),
    join(home, 'scripts', name),
    join(home, 'bin', name),
  ])
  const installDb = besides.find(isExecutable) ?? findExecutable(INSTALL_DB_NAMES, env)
  if (installDb === undefined)
    throw new DipError(
      'DIP_PREREQUISITE',
      `No mariadb-install-db/mysql_install_db found beside ${server} or on PATH; it is needed once to create the data dir.`,
      { hint: fix },
    )
  return {
    server,
    installDb,
    basedir: existsSync(join(home, 'share')) ? home : undefined,
    choice: 'path',
  }
}

/** For `dip status` / `dip doctor`: which binary the choice means, without failing when it is missing. */
export function describeMysqlServer(choice: MysqlServerChoice, env: Env = process.env): string {
  try {
    const binaries = resolveMysqlBinaries(choice, env)
    return `${choice.kind}: ${binaries.server}`
  } catch (error) {
    return `${choice.kind}: ${(error as Error).message}`
  }
}
