import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../config/load-config.ts'
import { createFakeRunner, type CommandResult, type RecordedCall } from '../command-runner.ts'
import type { Probe, ProbeResult } from '../health.ts'
import type { ServiceName, StackProgress } from '../stack-driver.ts'
import { createDockerStack, type StreamLines } from './docker-stack.ts'

let workDir: string
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'dip-docker-'))
})
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true })
})

const healthy: Probe = () => Promise.resolve({ healthy: true, version: '7.9.0' })
const allHealthy: Record<ServiceName, Probe> = { kafka: healthy, mysql: healthy, ksqldb: healthy }

function psLine(service: string, state: string): string {
  return JSON.stringify({ Name: `dip-${service}`, Service: service, State: state, Status: '', Health: '' })
}

function setup(
  options: {
    answer?: (call: RecordedCall) => Partial<CommandResult> | undefined
    probes?: Record<ServiceName, Probe>
    streamLines?: StreamLines
  } = {},
) {
  const loaded = loadConfig({ cwd: workDir, env: {} })
  const runner = createFakeRunner(options.answer)
  const stack = createDockerStack({
    loaded,
    runner,
    probes: options.probes ?? allHealthy,
    probeIntervalMs: 1,
    ...(options.streamLines === undefined ? {} : { streamLines: options.streamLines }),
  })
  const composeArgs = (...rest: string[]) => [
    'compose',
    '-f',
    stack.paths.composeFile,
    '--env-file',
    stack.paths.envFile,
    '-p',
    'dip',
    ...rest,
  ]
  return { stack, runner, composeArgs, stateDir: loaded.stateDir }
}

describe('createDockerStack().up', () => {
  it('renders the compose file and .env into the state dir, runs compose up -d and waits for every service', async () => {
    const { stack, runner, composeArgs, stateDir } = setup()
    const events: StackProgress[] = []
    const result = await stack.up({ timeoutMs: 5_000, onProgress: (event) => events.push(event) })

    expect(stack.paths.composeFile).toBe(join(stateDir, 'docker', 'docker-compose.yml'))
    expect(runner.calls.map((call) => [call.command, ...call.args])).toEqual([
      ['docker', ...composeArgs('ps', '--all', '--format', 'json')],
      ['docker', ...composeArgs('up', '-d')],
    ])
    const compose = await readFile(stack.paths.composeFile, 'utf8')
    expect(compose).toContain('confluentinc/cp-kafka:')
    expect(compose).not.toContain('admin123')
    expect(await readFile(stack.paths.envFile, 'utf8')).toBe("MYSQL_ROOT_PASSWORD='admin123'\n")
    expect(statSync(stack.paths.envFile).mode & 0o777).toBe(0o600)

    expect(result).toEqual({
      mode: 'docker',
      alreadyRunning: false,
      services: [
        { name: 'kafka', endpoint: 'localhost:9092', pid: null, started: true },
        { name: 'mysql', endpoint: 'mysql://root@127.0.0.1:3306/tp3', pid: null, started: true },
        { name: 'ksqldb', endpoint: 'http://localhost:8088', pid: null, started: true },
      ],
    })
    expect(
      events
        .filter((event) => event.kind === 'healthy')
        .map((event) => event.kind === 'healthy' && event.service),
    ).toEqual(['kafka', 'mysql', 'ksqldb'])
  })

  it('reports a stack whose containers already run as already running', async () => {
    const ps = ['broker', 'mysql', 'ksqldb-server'].map((service) => psLine(service, 'running')).join('\n')
    const { stack } = setup({ answer: (call) => (call.args.includes('ps') ? { stdout: ps } : undefined) })
    const result = await stack.up({ timeoutMs: 5_000 })
    expect(result.alreadyRunning).toBe(true)
    expect(result.services.every((service) => !service.started)).toBe(true)
  })

  it('keeps probing until a service answers', async () => {
    const answers: ProbeResult[] = [
      { healthy: false, version: null, detail: 'connection refused' },
      { healthy: false, version: null, detail: 'connection refused' },
      { healthy: true, version: '8.0.40' },
    ]
    let probed = 0
    const mysql: Probe = () => Promise.resolve(answers[probed++] ?? { healthy: true, version: '8.0.40' })
    const { stack } = setup({ probes: { ...allHealthy, mysql } })
    const events: StackProgress[] = []
    await stack.up({ timeoutMs: 60_000, onProgress: (event) => events.push(event) })
    expect(probed).toBe(3)
    expect(events.filter((event) => event.kind === 'waiting' && event.service === 'mysql')).toHaveLength(2)
  })

  it('fails with a prerequisite error naming the fix when docker is not installed', async () => {
    const { stack } = setup({ answer: () => ({ exitCode: 127, notFound: true }) })
    await expect(stack.up({ timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'DIP_PREREQUISITE',
      hint: expect.stringContaining('--mode native'),
    })
  })

  it('names the missing compose plugin when docker parses `compose -f` itself', async () => {
    const { stack } = setup({
      answer: (call) =>
        call.args.includes('up') ? { exitCode: 125, stderr: "unknown shorthand flag: 'f' in -f" } : undefined,
    })
    await expect(stack.up({ timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'DIP_PREREQUISITE',
      message: expect.stringContaining('Docker Compose plugin is not installed'),
      hint: expect.stringContaining('docker-compose-plugin'),
    })
  })

  it('fails with compose’s error output when compose up fails', async () => {
    const { stack } = setup({
      answer: (call) =>
        call.args.includes('up') ? { exitCode: 1, stderr: 'Cannot connect to the Docker daemon' } : undefined,
    })
    await expect(stack.up({ timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'DIP_STACK',
      message: expect.stringContaining(
        'docker compose up failed (exit 1): Cannot connect to the Docker daemon',
      ),
    })
  })

  it('times out naming the service and its container when a probe never answers', async () => {
    const ksqldb: Probe = () => Promise.resolve({ healthy: false, version: null, detail: 'HTTP 503' })
    const { stack } = setup({ probes: { ...allHealthy, ksqldb } })
    await expect(stack.up({ timeoutMs: 0 })).rejects.toMatchObject({
      code: 'DIP_TIMEOUT',
      message: expect.stringContaining('ksqldb (container dip-ksqldb-server)'),
    })
  })
})

describe('createDockerStack().down', () => {
  it('runs compose down and reports the services that were running', async () => {
    const ps = [psLine('broker', 'running'), psLine('mysql', 'exited')].join('\n')
    const { stack, runner, composeArgs } = setup({
      answer: (call) => (call.args.includes('ps') ? { stdout: ps } : undefined),
    })
    const result = await stack.down({ purge: false, timeoutMs: 30_000 })
    expect(runner.calls.at(-1)?.args).toEqual(composeArgs('down', '--remove-orphans', '--timeout', '30'))
    expect(result).toEqual({ stopped: ['kafka'], forced: [], purged: false })
    expect(existsSync(stack.paths.composeFile)).toBe(true)
  })

  it('removes the volumes and the rendered files with purge', async () => {
    const { stack, runner, composeArgs } = setup()
    await stack.up({ timeoutMs: 1_000 })
    const result = await stack.down({ purge: true })
    expect(runner.calls.at(-1)?.args).toEqual(composeArgs('down', '--remove-orphans', '--volumes'))
    expect(result.purged).toBe(true)
    expect(existsSync(stack.paths.dir)).toBe(false)
  })
})

describe('createDockerStack().status', () => {
  it('combines compose ps with the network probes', async () => {
    const ps = [psLine('broker', 'running'), psLine('mysql', 'exited')].join('\n')
    const kafka: Probe = () => Promise.resolve({ healthy: true, version: null, topicCount: 4 })
    const { stack, runner, composeArgs } = setup({
      answer: (call) => (call.args.includes('ps') ? { stdout: ps } : undefined),
      probes: { ...allHealthy, kafka },
    })
    await stack.up({ timeoutMs: 1_000 })
    runner.calls.length = 0
    const statuses = await stack.status()
    expect(runner.calls.map((call) => call.args)).toEqual([composeArgs('ps', '--all', '--format', 'json')])
    expect(statuses).toEqual([
      {
        name: 'kafka',
        mode: 'docker',
        pid: null,
        port: 9092,
        version: null,
        healthy: true,
        container: 'dip-broker',
        topicCount: 4,
      },
      {
        name: 'mysql',
        mode: 'docker',
        pid: null,
        port: 3306,
        version: null,
        healthy: false,
        container: 'dip-mysql',
        detail: 'container exited',
      },
      {
        name: 'ksqldb',
        mode: 'docker',
        pid: null,
        port: 8088,
        version: null,
        healthy: false,
        detail: 'not started (run `dip up --mode docker`)',
      },
    ])
  })

  it('reports every service as not started before the first up, without calling docker', async () => {
    const { stack, runner } = setup()
    const statuses = await stack.status()
    expect(runner.calls).toEqual([])
    expect(statuses.map((status) => status.healthy)).toEqual([false, false, false])
  })
})

describe('createDockerStack().logs', () => {
  it('prints the last lines of one service', async () => {
    const { stack, runner, composeArgs } = setup({
      answer: (call) => (call.args.includes('logs') ? { stdout: 'line 1\nline 2\n' } : undefined),
    })
    const lines: string[] = []
    await stack.logs('mysql', { tail: 20, onLine: (line) => lines.push(line) })
    expect(runner.calls.at(-1)?.args).toEqual(composeArgs('logs', '--no-color', '--tail', '20', 'mysql'))
    expect(lines).toEqual(['line 1', 'line 2'])
  })

  it('follows a service through the line streamer until the signal aborts', async () => {
    const streamed: { command: string; args: readonly string[] }[] = []
    const streamLines: StreamLines = (command, args, options) => {
      streamed.push({ command, args })
      options.onLine('started')
      return Promise.resolve(0)
    }
    const { stack, composeArgs } = setup({ streamLines })
    const lines: string[] = []
    await stack.logs('kafka', {
      follow: true,
      signal: new AbortController().signal,
      onLine: (line) => lines.push(line),
    })
    expect(streamed).toEqual([
      { command: 'docker', args: composeArgs('logs', '--no-color', '--tail', '100', '--follow', 'broker') },
    ])
    expect(lines).toEqual(['started'])
  })
})
