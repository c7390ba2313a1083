import { existsSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { dirname } from 'node:path'
import { errorMessage, isDipError } from '../../shared/errors.ts'
import type { LoadedConfig } from '../../config/load-config.ts'
import type { CommandRunner } from '../command-runner.ts'
import { brokerAddress } from '../native/kafka-server-config.ts'
import { javaCommand } from '../native/kafka-native.ts'
import { ksqldbPaths } from '../native/ksqldb-native.ts'
import { parseMysqlServer, resolveMysqlBinaries } from '../native/mysql-server-choice.ts'
import { nativePaths } from '../native/native-paths.ts'
import { findPortHolder, isPortFree } from '../native/port-check.ts'
import { readPidFile } from '../native/processes.ts'
import { cacheDir } from '../provision/cache-dir.ts'
import { findProvisionedKafka, kafkaRuntime } from '../provision/kafka-provision.ts'
import { mariadbArtifactFor, platformKey } from '../provision/mariadb-artifacts.ts'
import { findProvisionedMariadb, mariadbRuntime, readMariadbMarker } from '../provision/mariadb-provision.ts'
import { dockerEngineAnswers } from '../select-driver.ts'

/** One line of `dip doctor`: what was checked, what was found, and how to fix a miss. */
export interface Check {
  readonly name: string
  readonly status: 'ok' | 'warn' | 'fail'
  readonly detail: string
  readonly fix?: string
}

export interface DoctorEnvironment {
  readonly runner: CommandRunner
  readonly env: Readonly<Record<string, string | undefined>>
  readonly nodeVersion: string
}

export const MIN_NODE = [20, 19] as const
export const MIN_JAVA = 17
// eslint-disable-next-line no-control-regex -- matching the ESC byte is the point
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g

export async function runChecks(loaded: LoadedConfig, environment: DoctorEnvironment): Promise<Check[]> {
  const { runner, env } = environment
  const checks: Check[] = [checkNode(environment.nodeVersion)]
  checks.push(await checkJava(runner, javaCommand(env)))
  const kafkaCached = findProvisionedKafka(loaded.config.kafka.version, env) !== undefined
  checks.push(await checkMaven(runner, kafkaCached))
  checks.push(await checkMysqlServer(loaded, runner, env))
  checks.push(checkKafkaProvisioned(loaded, env))
  checks.push(await checkDiskForDownloads(loaded, env))
  checks.push(await checkDocker(runner))
  checks.push(...(await checkPorts(loaded)))
  return checks
}

export function checkNode(version: string): Check {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])
  return ok
    ? { name: 'node', status: 'ok', detail: `Node.js ${version}` }
    : {
        name: 'node',
        status: 'fail',
        detail: `Node.js ${version} is too old (need ${MIN_NODE.join('.')}+)`,
        fix: 'Install Node.js 20.19 or newer (https://nodejs.org or your version manager).',
      }
}

/** `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` (or `"1.8.0_392"`) on stderr. */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output)
  if (match === null) return undefined
  const first = Number(match[1])
  return first === 1 ? Number(match[2]) : first
}

async function checkJava(runner: CommandRunner, command: string): Promise<Check> {
  const fix = 'Install a JDK 17+ (Debian: `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME.'
  const result = await runner.run(command, ['-version'], { timeoutMs: 20_000 })
  if (result.notFound) return { name: 'java', status: 'fail', detail: `${command} not found`, fix }
  const major = parseJavaMajor(`${result.stderr}\n${result.stdout}`)
  if (major === undefined)
    return { name: 'java', status: 'fail', detail: `cannot read the version of ${command}`, fix }
  const line = `${result.stderr}\n${result.stdout}`.trim().split('\n')[0] ?? ''
  return major >= MIN_JAVA
    ? { name: 'java', status: 'ok', detail: line }
    : { name: 'java', status: 'fail', detail: `${line} (need ${MIN_JAVA}+)`, fix }
}

async function checkMaven(runner: CommandRunner, kafkaCached: boolean): Promise<Check> {
  const result = await runner.run('mvn', ['-v', '-B'], { timeoutMs: 30_000 })
  if (result.notFound || result.exitCode !== 0) {
    // Maven only fetches Kafka's jars; once they are cached it is not needed any more.
    return kafkaCached
      ? { name: 'maven', status: 'ok', detail: 'mvn not found; not needed, Kafka is already cached' }
      : {
          name: 'maven',
          status: 'fail',
          detail: 'mvn not found (needed once, to download Kafka)',
          fix: 'Install Maven (Debian: `apt-get install maven`; macOS: `brew install maven`).',
        }
  }
  // Strip the ANSI colours some Maven builds print even with -B.
  const first = (result.stdout.split('\n')[0] ?? '').replace(ANSI_COLOUR, '')
  return { name: 'maven', status: 'ok', detail: first }
}

async function checkMysqlServer(
  loaded: LoadedConfig,
  runner: CommandRunner,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Check> {
  const choice = parseMysqlServer(loaded.config.mysql.server, loaded.baseDir)
  const name = 'mysql server'
  if (choice.kind === 'bundled') {
    const platform = platformKey()
    const artifact = mariadbArtifactFor(platform)
    if (artifact === undefined)
      return {
        name,
        status: 'fail',
        detail: `no bundled MariaDB server for ${platform}`,
        fix: 'Install MariaDB or MySQL and set mysql.server: system (DIP_MYSQL_SERVER=system).',
      }
    const runtime = findProvisionedMariadb(env, platform)
    if (runtime === undefined)
      return {
        name,
        status: 'warn',
        detail: `bundled MariaDB ${artifact.version} not downloaded yet (${mariadbRuntime(artifact, env).home})`,
        fix: `Nothing to do: \`dip up\` / \`dip lab\` fetch it once from Maven Central (${Math.round(artifact.bytes / 1e6)} MB); \`dip setup\` does it now.`,
      }
    const marker = await readMariadbMarker(runtime)
    return {
      name,
      status: 'ok',
      detail: `bundled ${marker?.serverVersion ?? `MariaDB ${runtime.version}`} (${runtime.server})`,
    }
  }
  try {
    const binaries = resolveMysqlBinaries(choice, env)
    const result = await runner.run(binaries.server, ['--version'], { timeoutMs: 20_000 })
    if (result.exitCode !== 0)
      return {
        name,
        status: 'fail',
        detail: `${binaries.server} --version failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-1).join('')}`,
        fix: 'Use the bundled server (mysql.server: bundled) or repair that installation.',
      }
    return { name, status: 'ok', detail: `${choice.kind}: ${result.stdout.trim() || binaries.server}` }
  } catch (error) {
    return {
      name,
      status: 'fail',
      detail: errorMessage(error),
      fix: isDipError(error) && error.hint !== undefined ? error.hint : 'See `dip setup --help`.',
    }
  }
}

/** The first run downloads into the cache; a full disk there would only show up as a failed download. */
async function checkDiskForDownloads(
  loaded: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Check> {
  const kafkaNeeded = findProvisionedKafka(loaded.config.kafka.version, env) === undefined
  const bundled = parseMysqlServer(loaded.config.mysql.server, loaded.baseDir).kind === 'bundled'
  const artifact = mariadbArtifactFor(platformKey())
  const mariadbNeeded = bundled && artifact !== undefined && findProvisionedMariadb(env) === undefined
  const dir = cacheDir(env)
  if (!kafkaNeeded && !mariadbNeeded)
    return { name: 'disk', status: 'ok', detail: `nothing left to download into ${dir}` }
  const needed = (kafkaNeeded ? KAFKA_BYTES : 0) + (mariadbNeeded ? MARIADB_UNPACKED_BYTES : 0)
  const free = await freeBytes(dir)
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`
  if (free === undefined)
    return { name: 'disk', status: 'warn', detail: `cannot read the free space of ${dir}` }
  return free >= needed
    ? { name: 'disk', status: 'ok', detail: `${mb(free)} free in ${dir} (the first run needs ${mb(needed)})` }
    : {
        name: 'disk',
        status: 'fail',
        detail: `${mb(free)} free in ${dir}; the first run needs ${mb(needed)} for Kafka and MariaDB`,
        fix: 'Free some space there, or point DIP_CACHE_DIR at a disk with room.',
      }
}

// Kafka's jars (≈ 55 MB), and MariaDB's jar (149 MB) plus the unpacked server (366 MB) at the peak.
const KAFKA_BYTES = 60_000_000
const MARIADB_UNPACKED_BYTES = 520_000_000

async function freeBytes(dir: string): Promise<number | undefined> {
  // The cache dir may not exist yet: ask the nearest folder that does.
  let at = dir
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at)
  try {
    const stats = await statfs(at)
    return stats.bavail * stats.bsize
  } catch {
    return undefined
  }
}

function checkKafkaProvisioned(
  loaded: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
): Check {
  const version = loaded.config.kafka.version
  const runtime = findProvisionedKafka(version, env)
  return runtime === undefined
    ? {
        name: 'kafka',
        status: 'warn',
        detail: `Apache Kafka ${version} not provisioned (${kafkaRuntime(version, env).home})`,
        fix: 'Run `dip setup` (downloads it from Maven Central with mvn, once).',
      }
    : { name: 'kafka', status: 'ok', detail: `Apache Kafka ${version} in ${runtime.home}` }
}

async function checkDocker(runner: CommandRunner): Promise<Check> {
  return (await dockerEngineAnswers(runner))
    ? { name: 'docker', status: 'ok', detail: 'a Docker engine answers: `dip up` uses Docker mode' }
    : {
        name: 'docker',
        status: 'warn',
        detail: 'no Docker engine answers: `dip up` uses native mode',
        fix: 'Nothing to do for native mode; for Docker mode start the engine (`systemctl start docker`).',
      }
}

async function checkPorts(loaded: LoadedConfig): Promise<Check[]> {
  const config = loaded.config
  const paths = nativePaths(loaded.stateDir)
  const kafkaRunning = readPidFile(paths.kafkaPid, paths.kafkaConfig).kind === 'running'
  const mysqlRunning = readPidFile(paths.mysqlPid, paths.mysqlDataDir).kind === 'running'
  const ksqldb = ksqldbPaths(loaded.stateDir)
  const ksqldbRunning = readPidFile(ksqldb.pidFile, ksqldb.marker).kind === 'running'
  const ksqlPort = Number(new URL(config.ksql.url).port || 80)
  const wanted = [
    { key: 'kafka.brokers', port: brokerAddress(config.kafka.brokers).port, ours: kafkaRunning },
    { key: 'kafka.controllerPort', port: config.kafka.controllerPort, ours: kafkaRunning },
    { key: 'mysql.port', port: config.mysql.port, ours: mysqlRunning },
    { key: 'ksql.url', port: ksqlPort, ours: ksqldbRunning },
  ]
  const checks: Check[] = []
  for (const { key, port, ours } of wanted) {
    const name = `port ${port}`
    if (ours) {
      checks.push({ name, status: 'ok', detail: `used by dip's own stack (${key})` })
      continue
    }
    if (await isPortFree(port)) {
      checks.push({ name, status: 'ok', detail: `free (${key})` })
      continue
    }
    const holder = findPortHolder(port)
    checks.push({
      name,
      status: 'fail',
      detail: `in use by ${holder === undefined ? 'another process' : `pid ${holder.pid} (${holder.command})`} (${key})`,
      fix: `Stop that process or set another port in ${key} (dip.config.yaml or its DIP_* variable).`,
    })
  }
  return checks
}
