import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import { stringify } from 'yaml'
import { freePort } from '../../src/stack/native/port-check.ts'

/** Runs the built CLI (`node bin/dip.js`) the way a user does, without the developer's DIP_* overrides. */
export interface CliResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

const BIN = resolve(import.meta.dirname, '../../bin/dip.js')

export async function runDip(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  // DIP_CACHE_DIR says where Kafka is provisioned; every other DIP_* would override the test's config.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_') || key === 'DIP_CACHE_DIR'),
  )
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { ...env, NO_COLOR: '1', ...options.env },
    extendEnv: false,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    timeout: 240_000,
  })
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) }
}

/** A throw-away folder with a dip.config.yaml on free ports, for tests that run a stack of their own. */
export interface ScratchStack {
  readonly dir: string
  readonly configFile: string
  readonly stateDir: string
  readonly brokerPort: number
  readonly controllerPort: number
  readonly mysqlPort: number
  cleanup(): Promise<void>
}

export async function scratchStack(options: { mysqlUser?: string } = {}): Promise<ScratchStack> {
  const dir = await mkdtemp(join(tmpdir(), 'dip-st-'))
  const ports = new Set<number>()
  while (ports.size < 4) ports.add(await freePort())
  const [brokerPort = 0, controllerPort = 0, mysqlPort = 0, ksqlPort = 0] = [...ports]
  const stateDir = join(dir, 'state')
  const configFile = join(dir, 'dip.config.yaml')
  await writeFile(
    configFile,
    stringify({
      stack: { stopTimeoutSeconds: 20 },
      kafka: { brokers: [`127.0.0.1:${brokerPort}`], controllerPort },
      mysql: { port: mysqlPort, user: options.mysqlUser ?? 'root', password: 'scratch-pw' },
      ksql: { url: `http://127.0.0.1:${ksqlPort}` },
      stateDir,
    }),
  )
  return {
    dir,
    configFile,
    stateDir,
    brokerPort,
    controllerPort,
    mysqlPort,
    async cleanup() {
      await runDip(['--config', configFile, 'down', '--purge', '--mode', 'native'])
      await rm(dir, { recursive: true, force: true })
    },
  }
}
