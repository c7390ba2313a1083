import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { stringify } from 'yaml'
import { loadConfig } from '../../src/config/load-config.ts'
import { createExecaRunner } from '../../src/stack/command-runner.ts'
import { createNativeStack } from '../../src/stack/native/native-stack.ts'
import { freePort } from '../../src/stack/native/port-check.ts'
import { findProcesses, stopProcess } from '../../src/stack/native/processes.ts'
import { provisionFlinkJobServer } from '../../src/stack/provision/flink-job-server-provision.ts'
import { provisionKafka } from '../../src/stack/provision/kafka-provision.ts'
import { provisionMariadb } from '../../src/stack/provision/mariadb-provision.ts'

/**
 * Starts one real Kafka broker and one real MariaDB server for the integration tests, with dip's
 * own native-stack code, on free ports and in a temp state dir so a developer's own stack (on the
 * default ports, in ./.dip) is never touched. Tests read the endpoints with `inject('stack')`.
 */
export interface IntegrationStack {
  /** `host:port` of the broker. */
  readonly brokers: string[]
  readonly mysql: {
    readonly host: string
    readonly port: number
    readonly user: string
    readonly password: string
    readonly database: string
  }
  readonly stateDir: string
  /** The provisioned Kafka runtime (libs/ holds the jars, for the perf tools). */
  readonly kafkaHome: string
  /** A dip.config.yaml pointing at this stack: `node bin/dip.js --config <configFile> …`. */
  readonly configFile: string
  /** Temp folder the config file lives in; tests may create files under it. */
  readonly workDir: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: IntegrationStack
  }
}

// Config overrides (DIP_*) in the developer's shell are ignored, so the tests see exactly this config;
// DIP_CACHE_DIR is not config but where Kafka was provisioned, so it is kept.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_') || key === 'DIP_CACHE_DIR'),
)

/**
 * The integration files run in two projects (`integration`, two files at a time, and
 * `integration-serial`, the files that stop the shared servers or need the whole machine, one at a
 * time and after the others). Vitest runs each project's global setup: they share one stack, kept
 * on globalThis (both setups run in this one process), started by the first and stopped by the last.
 */
interface SharedStack {
  readonly started: Promise<IntegrationStack>
  users: number
  teardown?: () => Promise<void>
}
const holder = globalThis as { __dipIntegrationStack?: SharedStack | undefined }

export async function setup(project: TestProject): Promise<void> {
  let shared = holder.__dipIntegrationStack
  if (shared === undefined) {
    const starting: SharedStack = {
      started: startStack((teardown) => (starting.teardown = teardown)),
      users: 0,
    }
    shared = holder.__dipIntegrationStack = starting
  }
  shared.users += 1
  try {
    project.provide('stack', await shared.started)
  } catch (error) {
    shared.users -= 1
    if (shared.users === 0) holder.__dipIntegrationStack = undefined
    throw error
  }
}

export async function teardown(): Promise<void> {
  const shared = holder.__dipIntegrationStack
  if (shared === undefined) return
  shared.users -= 1
  if (shared.users > 0) return
  holder.__dipIntegrationStack = undefined
  await shared.teardown?.()
}

async function startStack(onStarted: (teardown: () => Promise<void>) => void): Promise<IntegrationStack> {
  const workDir = await mkdtemp(join(tmpdir(), 'dip-it-'))
  const stateDir = join(workDir, 'state')
  const [brokerPort, controllerPort, mysqlPort, ksqlPort] = await distinctFreePorts()
  const config = {
    kafka: { brokers: [`127.0.0.1:${brokerPort}`], controllerPort, clientId: 'dip-it' },
    mysql: { host: '127.0.0.1', port: mysqlPort, user: 'root', password: 'admin123', database: 'tp3' },
    ksql: { url: `http://127.0.0.1:${ksqlPort}` },
    lake: { root: join(workDir, 'data_lake') },
    stateDir,
  }
  const configFile = join(workDir, 'dip.config.yaml')
  await writeFile(configFile, stringify(config))
  const loaded = loadConfig({ file: configFile, env: cleanEnv })
  const runner = createExecaRunner()

  const runtime = await provisionKafka({ version: loaded.config.kafka.version, runner }).catch(
    (error: unknown) => {
      throw new Error(
        `Integration tests need Apache Kafka ${loaded.config.kafka.version}: run \`node bin/dip.js setup\` first. ${String(error)}`,
        { cause: error },
      )
    },
  )
  // The suite runs on the bundled MariaDB server (the default), fetched like Kafka.
  await provisionMariadb({ runner }).catch((error: unknown) => {
    throw new Error(
      `Integration tests need the bundled MariaDB server: run \`node bin/dip.js setup\` first. ${String(error)}`,
      { cause: error },
    )
  })
  // Beam's Flink job server for the --runner flink tests (`dip setup --with-flink` fetches it; a
  // no-op when cached).
  await provisionFlinkJobServer({ runner }).catch((error: unknown) => {
    throw new Error(
      `Integration tests need Beam's Flink job server: run \`node bin/dip.js setup --with-flink\` first. ${String(error)}`,
      { cause: error },
    )
  })
  const stack = createNativeStack({ loaded, runner, env: cleanEnv })
  const teardownStack = async () => {
    await stack.down({ purge: true, timeoutMs: 20_000 })
    const left = findProcesses(stateDir)
    // Servers tests start themselves (e.g. the kill -9 test's `dip ksql server`) name workDir.
    const strays = findProcesses(workDir).filter((pid) => !left.includes(pid))
    const described = [...left, ...strays].map(describeProcess)
    // Stopped before failing, so a failed run leaves no orphan holding a port.
    for (const pid of strays) await stopProcess(pid, 5_000)
    await rm(workDir, { recursive: true, force: true })
    if (left.length > 0) throw new Error(`dip down left processes running: ${described.join('; ')}`)
    if (strays.length > 0)
      throw new Error(
        `processes started by tests were still running at teardown (now stopped): ${described.join('; ')}; ` +
          'stop every server a test starts in its afterAll',
      )
  }
  try {
    await stack.up({ timeoutMs: 180_000 })
  } catch (error) {
    await teardownStack()
    throw error
  }
  onStarted(teardownStack)
  return {
    brokers: [`127.0.0.1:${brokerPort}`],
    mysql: { ...config.mysql },
    stateDir,
    kafkaHome: runtime.home,
    configFile,
    workDir,
  }
}

/** `pid (command line)`, so a leftover process can be recognised: Kafka, MariaDB or `dip ksql server`. */
function describeProcess(pid: number): string {
  try {
    return `${pid} (${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200)})`
  } catch {
    return String(pid)
  }
}

async function distinctFreePorts(): Promise<[number, number, number, number]> {
  const ports = new Set<number>()
  while (ports.size < 4) ports.add(await freePort())
  const [a = 0, b = 0, c = 0, d = 0] = [...ports]
  return [a, b, c, d]
}
