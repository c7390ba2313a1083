import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { DipError, errorMessage } from '../../shared/errors.ts'
import type { CommandRunner } from '../command-runner.ts'
import { cacheDir, PROVISION_MARKER } from './cache-dir.ts'
import { downloadFile, sha1Of } from './download-file.ts'
import {
  artifactPath,
  DEFAULT_MAVEN_REPOSITORY,
  jarName,
  mariadbArtifactFor,
  platformKey,
  type MariadbArtifact,
} from './mariadb-artifacts.ts'
import type { ProvisionProgress } from './provision-progress.ts'
import { extractZip } from './zip-extract.ts'

type Env = Readonly<Record<string, string | undefined>>

/** A MariaDB server unpacked in dip's cache: `<home>/bin/mariadbd`, `<home>/scripts/mariadb-install-db`. */
export interface MariadbRuntime {
  readonly version: string
  readonly platform: string
  readonly home: string
  readonly server: string
  readonly installDb: string
}

export interface MariadbProvisionResult extends MariadbRuntime {
  readonly downloaded: boolean
  /** Where the jar came from: dip's download, Maven's local repository, or nothing needed. */
  readonly source: 'cache' | 'download' | 'mvn' | 'm2'
}

export function mariadbRuntime(artifact: MariadbArtifact, env: Env = process.env): MariadbRuntime {
  const home = join(cacheDir(env), `mariadb-${artifact.version}-${artifact.platform}`)
  return {
    version: artifact.version,
    platform: artifact.platform,
    home,
    server: join(home, 'bin', 'mariadbd'),
    installDb: join(home, 'scripts', 'mariadb-install-db'),
  }
}

export function findProvisionedMariadb(env: Env = process.env, platform = platformKey()) {
  const artifact = mariadbArtifactFor(platform)
  if (artifact === undefined) return undefined
  const runtime = mariadbRuntime(artifact, env)
  return isComplete(runtime) ? runtime : undefined
}

function isComplete(runtime: MariadbRuntime): boolean {
  return (
    existsSync(join(runtime.home, PROVISION_MARKER)) &&
    existsSync(runtime.server) &&
    existsSync(runtime.installDb)
  )
}

export function unsupportedPlatformError(platform: string): DipError {
  return new DipError('DIP_PREREQUISITE', `dip has no bundled MariaDB server for ${platform}.`, {
    hint: 'Install a MariaDB or MySQL server and set mysql.server: system (DIP_MYSQL_SERVER=system), or mysql.server: /path/to/mariadbd.',
  })
}

export function mariadbNotProvisionedError(runtime: MariadbRuntime): DipError {
  return new DipError(
    'DIP_PREREQUISITE',
    `The bundled MariaDB ${runtime.version} server is not downloaded yet (looked in ${runtime.home}).`,
    { hint: 'Run `dip setup` (or `dip up`): it fetches it once from Maven Central.' },
  )
}

/**
 * Fetches the MariaDB server jar from Maven Central (or reuses it from ~/.m2), checks its SHA-1,
 * unpacks the server into the cache and checks that it runs. Idempotent: a completed cache (marker
 * file) is reused as is. The unpacking goes to `<home>.partial`, renamed only once the server has
 * answered `--version`, so an interrupted run never leaves a cache that looks complete.
 */
export async function provisionMariadb(options: {
  readonly runner: CommandRunner
  readonly env?: Env
  readonly platform?: string
  /** For tests: an artifact other than the platform's published one. */
  readonly artifact?: MariadbArtifact
  readonly onProgress?: (progress: ProvisionProgress) => void
  readonly signal?: AbortSignal
  readonly fetchImpl?: typeof fetch
}): Promise<MariadbProvisionResult> {
  const env = options.env ?? process.env
  const platform = options.platform ?? platformKey()
  const artifact = options.artifact ?? mariadbArtifactFor(platform)
  if (artifact === undefined) throw unsupportedPlatformError(platform)
  const runtime = mariadbRuntime(artifact, env)
  if (isComplete(runtime)) return { ...runtime, downloaded: false, source: 'cache' }

  const { jar, source } = await obtainJar(artifact, options, env)
  const staging = `${runtime.home}.partial`
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  const what = `MariaDB ${artifact.version} server`
  await extractZip(jar, staging, {
    prefix: artifact.prefix,
    onProgress: (bytes, total) => options.onProgress?.({ kind: 'extract', what, bytes, total }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
  // The jar stores the install script without its execute bit.
  await chmod(join(staging, 'scripts', 'mariadb-install-db'), 0o755)
  const serverVersion = await checkServerRuns(join(staging, 'bin', 'mariadbd'), options.runner)
  await rm(runtime.home, { recursive: true, force: true })
  await rename(staging, runtime.home)
  await writeFile(
    join(runtime.home, PROVISION_MARKER),
    `${JSON.stringify({ artifact: `${artifact.groupId}:${artifact.artifactId}:${artifact.version}`, sha1: artifact.sha1, serverVersion, completedAt: new Date().toISOString() }, null, 2)}\n`,
  )
  // dip's own download is only a means to the unpacked server; ~/.m2 belongs to Maven.
  if (source === 'download' || source === 'mvn') await rm(jar, { force: true })
  return { ...runtime, downloaded: source !== 'm2', source }
}

async function obtainJar(
  artifact: MariadbArtifact,
  options: Parameters<typeof provisionMariadb>[0],
  env: Env,
): Promise<{ jar: string; source: MariadbProvisionResult['source'] }> {
  const note = (message: string) => options.onProgress?.({ kind: 'note', message })
  const fromM2 = join(homedir(), '.m2', 'repository', artifactPath(artifact))
  if (existsSync(fromM2)) {
    if ((await sha1Of(fromM2)) === artifact.sha1) return { jar: fromM2, source: 'm2' }
    note(`ignoring ${fromM2}: its SHA-1 is not the published one (corrupt or truncated)`)
  }
  const dest = join(cacheDir(env), 'downloads', jarName(artifact))
  if (existsSync(dest)) {
    if ((await sha1Of(dest)) === artifact.sha1) return { jar: dest, source: 'download' }
    note(`deleted ${dest}: corrupt or truncated (SHA-1 mismatch); downloading it again`)
    await rm(dest, { force: true })
  }
  const repository = (env['DIP_MAVEN_REPOSITORY'] ?? DEFAULT_MAVEN_REPOSITORY).replace(/\/+$/, '')
  const what = `${jarName(artifact)} (MariaDB ${artifact.version} server)`
  try {
    await downloadFile({
      url: `${repository}/${artifactPath(artifact)}`,
      dest,
      sha1: artifact.sha1,
      onProgress: ({ bytes, total }) => options.onProgress?.({ kind: 'download', what, bytes, total }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.fetchImpl === undefined ? {} : { fetchImpl: options.fetchImpl }),
    })
    return { jar: dest, source: 'download' }
  } catch (error) {
    if (options.signal?.aborted === true) throw error
    // Maven knows the user's mirrors and proxies (settings.xml); plain HTTPS does not.
    note(`direct download failed (${errorMessage(error)}); trying mvn`)
    const viaMvn = await copyWithMaven(artifact, dest, options.runner, options.signal)
    if (viaMvn === undefined) throw error
    if ((await sha1Of(viaMvn)) !== artifact.sha1) {
      await rm(viaMvn, { force: true })
      throw new DipError('DIP_PREREQUISITE', `mvn fetched a corrupt ${jarName(artifact)} (SHA-1 mismatch).`, {
        hint: 'Check your Maven mirror (~/.m2/settings.xml), then run the command again.',
      })
    }
    return { jar: viaMvn, source: 'mvn' }
  }
}

async function copyWithMaven(
  artifact: MariadbArtifact,
  dest: string,
  runner: CommandRunner,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const outputDirectory = join(dest, '..')
  const result = await runner.run(
    'mvn',
    [
      '-q',
      '-B',
      'dependency:copy',
      `-Dartifact=${artifact.groupId}:${artifact.artifactId}:${artifact.version}`,
      `-DoutputDirectory=${outputDirectory}`,
    ],
    { cwd: outputDirectory, ...(signal === undefined ? {} : { signal }) },
  )
  return result.exitCode === 0 && existsSync(dest) ? dest : undefined
}

async function checkServerRuns(server: string, runner: CommandRunner): Promise<string> {
  const result = await runner.run(server, ['--version'], { timeoutMs: 30_000 })
  // `<path>/mariadbd  Ver 11.4.5-MariaDB for linux-systemd on x86_64 (MariaDB Server)`
  const version = /\bVer\s+(\S+)/.exec(result.stdout)?.[1]
  if (result.exitCode === 0 && version !== undefined && /MariaDB/i.test(version)) return version
  throw new DipError(
    'DIP_PREREQUISITE',
    `The bundled MariaDB server does not run on this machine (${server} --version: ${result.notFound ? 'not found' : `exit ${result.exitCode}`}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`,
    {
      hint: 'Install a MariaDB or MySQL server and set mysql.server: system (DIP_MYSQL_SERVER=system).',
    },
  )
}

/** The `--version` line recorded when the server was unpacked, for `dip doctor` and `dip status`. */
export async function readMariadbMarker(
  runtime: MariadbRuntime,
): Promise<{ serverVersion?: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(runtime.home, PROVISION_MARKER), 'utf8')) as {
      serverVersion?: string
    }
  } catch {
    return undefined
  }
}
