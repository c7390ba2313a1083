import type { LoadedConfig } from '../../config/load-config.ts'
import type { CommandRunner } from '../command-runner.ts'
import { brokerAddress } from '../native/kafka-server-config.ts'
import { javaCommand } from '../native/kafka-native.ts'
import { ksqldbPaths } from '../native/ksqldb-native.ts'
import { findExecutable } from '../native/mariadb-native.ts'
import { nativePaths } from '../native/native-paths.ts'
import { findPortHolder, isPortFree } from '../native/port-check.ts'
import { readPidFile } from '../native/processes.ts'
import { findProvisionedKafka, kafkaRuntime } from '../provision/kafka-provision.ts'
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
  checks.push(await checkMaven(runner))
  checks.push(await checkMysqlServer(runner, env))
  checks.push(checkKafkaProvisioned(loaded, env))
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

async function checkMaven(runner: CommandRunner): Promise<Check> {
  const result = await runner.run('mvn', ['-v', '-B'], { timeoutMs: 30_000 })
  if (result.notFound || result.exitCode !== 0) {
    return {
      name: 'maven',
      status: 'fail',
      detail: 'mvn not found (needed once, by `dip setup`, to download Kafka)',
      fix: 'Install Maven (Debian: `apt-get install maven`).',
    }
  }
  // Strip the ANSI colours some Maven builds print even with -B.
  const first = (result.stdout.split('\n')[0] ?? '').replace(ANSI_COLOUR, '')
  return { name: 'maven', status: 'ok', detail: first }
}

async function checkMysqlServer(runner: CommandRunner, env: Readonly<Record<string, string | undefined>>) {
  const server = findExecutable(['mariadbd', 'mysqld'], env)
  const installDb = findExecutable(['mariadb-install-db', 'mysql_install_db'], env)
  const fix = 'Install it: `apt-get install mariadb-server` (or `sudo dip setup --install-system-packages`).'
  if (server === undefined || installDb === undefined) {
    return {
      name: 'mysql server',
      status: 'fail',
      detail: `${server === undefined ? 'mariadbd/mysqld' : 'mariadb-install-db'} not found (native mode needs a MariaDB or MySQL server)`,
      fix,
    } satisfies Check
  }
  const result = await runner.run(server, ['--version'], { timeoutMs: 20_000 })
  return { name: 'mysql server', status: 'ok', detail: result.stdout.trim() || server } satisfies Check
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
