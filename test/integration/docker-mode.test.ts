import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { loadConfig } from '../../src/config/load-config.ts'
import { createExecaRunner } from '../../src/stack/command-runner.ts'
import { createDockerStack } from '../../src/stack/docker/docker-stack.ts'

/**
 * Docker mode without a Docker engine: a stand-in `docker` program on PATH records every command
 * line and plays compose's part (ps output after up, nothing after down), while the health probes
 * reach the real Kafka and MariaDB of the global setup and a stub ksqlDB `/info`. What is checked
 * is what dip renders and runs; the containers themselves cannot be started on these machines.
 */
const repoRoot = resolve(import.meta.dirname, '../..')
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')))

const FAKE_DOCKER = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DOCKER_LOG"
case " $* " in
  *" up -d "*)
    printf '%s\\n' \\
      '{"Name":"dip-broker","Service":"broker","State":"running","Status":"Up","Health":"healthy"}' \\
      '{"Name":"dip-mysql","Service":"mysql","State":"running","Status":"Up","Health":"healthy"}' \\
      '{"Name":"dip-ksqldb-server","Service":"ksqldb-server","State":"running","Status":"Up","Health":"healthy"}' \\
      > "$FAKE_DOCKER_STATE" ;;
  *" down "*) : > "$FAKE_DOCKER_STATE" ;;
  *" ps "*) cat "$FAKE_DOCKER_STATE" 2>/dev/null ;;
  *" logs "*) echo "broker | started (KRaft)" ;;
esac
exit 0
`

let workDir: string
let configFile: string
let ksqlStub: Server
let env: Record<string, string>

beforeAll(async () => {
  workDir = await mkdtemp(join(inject('stack').workDir, 'docker-mode-'))
  const bin = join(workDir, 'bin')
  await mkdir(bin)
  await writeFile(join(bin, 'docker'), FAKE_DOCKER)
  await chmod(join(bin, 'docker'), 0o755)
  ksqlStub = createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    response.end(
      JSON.stringify(
        request.url === '/info' ? { KsqlServerInfo: { version: '7.9.0', serverStatus: 'RUNNING' } } : {},
      ),
    )
  })
  await new Promise<void>((done) => ksqlStub.listen(0, '127.0.0.1', done))
  const { port } = ksqlStub.address() as AddressInfo
  // The global setup's config (its real Kafka and MariaDB), with the stub ksqlDB and a private state dir.
  const base = parse(await readFile(inject('stack').configFile, 'utf8')) as Record<string, unknown>
  configFile = join(workDir, 'dip.config.yaml')
  await writeFile(
    configFile,
    stringify({ ...base, ksql: { url: `http://127.0.0.1:${port}` }, stateDir: join(workDir, 'state') }),
  )
  env = {
    ...(cleanEnv as Record<string, string>),
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    FAKE_DOCKER_LOG: join(workDir, 'docker-calls.log'),
    FAKE_DOCKER_STATE: join(workDir, 'docker-state.json'),
    NO_COLOR: '1',
  }
})

afterAll(async () => {
  await new Promise((done) => ksqlStub.close(done))
  await rm(workDir, { recursive: true, force: true })
})

async function dockerCalls(): Promise<string[]> {
  const text = await readFile(env['FAKE_DOCKER_LOG'] ?? '', 'utf8').catch(() => '')
  return text.split('\n').filter((line) => line !== '')
}

describe('Docker mode against a stand-in docker program', () => {
  it('renders the compose file with the configured ports, runs compose and waits for the real services', async () => {
    const loaded = loadConfig({ file: configFile, env: cleanEnv })
    const stack = createDockerStack({ loaded, runner: createExecaRunner() })
    const previous = {
      PATH: process.env['PATH'],
      LOG: process.env['FAKE_DOCKER_LOG'],
      STATE: process.env['FAKE_DOCKER_STATE'],
    }
    Object.assign(process.env, {
      PATH: env['PATH'],
      FAKE_DOCKER_LOG: env['FAKE_DOCKER_LOG'],
      FAKE_DOCKER_STATE: env['FAKE_DOCKER_STATE'],
    })
    try {
      const result = await stack.up({ timeoutMs: 60_000 })
      expect(result.services.map((service) => [service.name, service.started])).toEqual([
        ['kafka', true],
        ['mysql', true],
        ['ksqldb', true],
      ])
      const prefix = `compose -f ${stack.paths.composeFile} --env-file ${stack.paths.envFile} -p dip`
      expect(await dockerCalls()).toEqual([`${prefix} ps --all --format json`, `${prefix} up -d`])

      const compose = parse(await readFile(stack.paths.composeFile, 'utf8')) as {
        services: Record<string, { ports: string[] }>
      }
      const brokerPort = inject('stack').brokers[0]?.split(':')[1]
      expect(compose.services['broker']?.ports).toEqual([`${brokerPort}:9092`])
      expect(compose.services['mysql']?.ports).toEqual([`${inject('stack').mysql.port}:3306`])

      const statuses = await stack.status()
      expect(statuses.map((status) => [status.name, status.healthy, status.container])).toEqual([
        ['kafka', true, 'dip-broker'],
        ['mysql', true, 'dip-mysql'],
        ['ksqldb', true, 'dip-ksqldb-server'],
      ])
      expect(statuses.find((status) => status.name === 'mysql')?.version).toMatch(/MariaDB|^\d/)

      const lines: string[] = []
      await stack.logs('kafka', { tail: 5, onLine: (line) => lines.push(line) })
      expect(lines).toEqual(['broker | started (KRaft)'])

      const down = await stack.down({ purge: true })
      expect(down.stopped).toEqual(['kafka', 'mysql', 'ksqldb'])
      expect((await dockerCalls()).at(-1)).toBe(`${prefix} down --remove-orphans --volumes`)
    } finally {
      process.env['PATH'] = previous.PATH
      if (previous.LOG === undefined) delete process.env['FAKE_DOCKER_LOG']
      if (previous.STATE === undefined) delete process.env['FAKE_DOCKER_STATE']
    }
  })

  it('runs through the CLI: dip up / status / down --purge with --mode docker', async () => {
    await rm(env['FAKE_DOCKER_LOG'] ?? '', { force: true })
    const dip = (...args: string[]) =>
      execa('node', ['bin/dip.js', '--config', configFile, ...args], {
        cwd: repoRoot,
        env,
        extendEnv: false,
        reject: false,
      })

    const up = await dip('--json', 'up', '--mode', 'docker')
    expect(up.exitCode, up.stderr).toBe(0)
    expect(JSON.parse(up.stdout)).toMatchObject({ mode: 'docker', alreadyRunning: false })
    expect(up.stdout + up.stderr).not.toContain(inject('stack').mysql.password)

    const status = await dip('--json', 'status', '--mode', 'docker')
    expect(status.exitCode, status.stderr).toBe(0)

    const logs = await dip('logs', 'kafka', '--mode', 'docker', '-n', '5')
    expect(logs.exitCode, logs.stderr).toBe(0)
    expect(logs.stdout).toContain('broker | started (KRaft)')

    const down = await dip('down', '--purge', '--mode', 'docker')
    expect(down.exitCode, down.stderr).toBe(0)
    const calls = await dockerCalls()
    expect(calls.some((line) => line.endsWith('-p dip up -d'))).toBe(true)
    expect(calls).toContain(
      `compose -f ${join(workDir, 'state', 'docker', 'docker-compose.yml')} --env-file ${join(workDir, 'state', 'docker', '.env')} -p dip logs --no-color --tail 5 broker`,
    )
    expect(calls.at(-1)).toMatch(/-p dip down --remove-orphans( --timeout \d+)? --volumes$/)
  })
})
