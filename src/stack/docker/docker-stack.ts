import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadedConfig } from '../../config/load-config.ts'
import { DipError } from '../../shared/errors.ts'
import type { CommandResult, CommandRunner } from '../command-runner.ts'
import { waitUntilHealthy, type Probe } from '../health.ts'
import { kafkaProbe } from '../../kafka/kafka-probes.ts'
import { ksqldbProbe } from '../../ksql-client/ksql-probe.ts'
import { mysqlProbe } from '../../mysql/mysql-probe.ts'
import { ksqlCredentials } from '../../ksql-client/ksql-auth.ts'
import {
  SERVICE_NAMES,
  type DownResult,
  type LogsOptions,
  type ServiceEndpoint,
  type ServiceName,
  type ServiceStatus,
  type StackDriver,
  type UpResult,
} from '../stack-driver.ts'
import { parseComposePs, type ComposeContainer } from './compose-ps.ts'
import { composeSettings, renderCompose } from './render-compose.ts'

/** dip's service names → the compose file's. Control Center is optional and not a dip service. */
export const COMPOSE_SERVICES: Readonly<Record<ServiceName, string>> = {
  kafka: 'broker',
  mysql: 'mysql',
  ksqldb: 'ksqldb-server',
}

// Two levels up from src/stack/docker (or dist/stack/docker) is the package root, which ships templates/.
const TEMPLATE = fileURLToPath(new URL('../../../templates/docker-compose.yml', import.meta.url))

/** Streams a long-running command's output line by line (`docker compose logs -f`). */
export type StreamLines = (
  command: string,
  args: readonly string[],
  options: { readonly signal?: AbortSignal; readonly onLine: (line: string) => void },
) => Promise<number>

export interface DockerStackOptions {
  readonly loaded: LoadedConfig
  readonly runner: CommandRunner
  /** Health probes per service; default: the network probes of the adapters (kafka/, mysql/, ksql-client/). */
  readonly probes?: Readonly<Record<ServiceName, Probe>>
  readonly streamLines?: StreamLines
  readonly templatePath?: string
  /** Pause between health probes (ms). */
  readonly probeIntervalMs?: number
}

export interface DockerPaths {
  readonly dir: string
  readonly composeFile: string
  readonly envFile: string
}

export function dockerPaths(stateDir: string): DockerPaths {
  const dir = join(stateDir, 'docker')
  return { dir, composeFile: join(dir, 'docker-compose.yml'), envFile: join(dir, '.env') }
}

/**
 * The Docker driver: renders templates/docker-compose.yml into the state dir and drives
 * `docker compose`; health is checked over the network with the same probes as the native stack.
 */
export function createDockerStack(
  options: DockerStackOptions,
): StackDriver & { readonly paths: DockerPaths } {
  const { loaded, runner } = options
  const config = loaded.config
  const settings = composeSettings(config)
  const paths = dockerPaths(loaded.stateDir)
  const compose = ['compose', '-f', paths.composeFile, '--env-file', paths.envFile, '-p', settings.project]
  const probes: Readonly<Record<ServiceName, Probe>> = options.probes ?? {
    kafka: kafkaProbe({ brokers: config.kafka.brokers }),
    mysql: mysqlProbe({ ...config.mysql }),
    ksqldb: ksqldbProbe({ url: config.ksql.url, credentials: ksqlCredentials(config.ksql) }),
  }
  const ports: Record<ServiceName, number> = {
    kafka: settings.kafkaPort,
    mysql: settings.mysqlPort,
    ksqldb: settings.ksqlPort,
  }
  const endpoints: Record<ServiceName, string> = {
    kafka: config.kafka.brokers.join(','),
    mysql: `mysql://${config.mysql.user}@${config.mysql.host}:${config.mysql.port}/${config.mysql.database}`,
    ksqldb: config.ksql.url,
  }

  const docker = async (
    args: readonly string[],
    what: string,
    signal?: AbortSignal,
  ): Promise<CommandResult> => {
    const result = await runner.run('docker', [...compose, ...args], signal === undefined ? {} : { signal })
    if (result.notFound)
      throw new DipError('DIP_PREREQUISITE', 'docker is not installed (or not on PATH)', {
        hint: 'install Docker with the compose plugin, or run the stack without it: `dip up --mode native`',
      })
    // Without the compose plugin, `docker compose -f …` is parsed by docker itself: "unknown shorthand flag: 'f'".
    if (
      result.exitCode !== 0 &&
      /unknown shorthand flag: 'f'|'compose' is not a docker command/.test(result.stderr)
    )
      throw new DipError(
        'DIP_PREREQUISITE',
        'the Docker Compose plugin is not installed (`docker compose` is unknown)',
        {
          hint: 'install it (Debian: `apt-get install docker-compose-plugin`), or run `dip up --mode native`',
        },
      )
    if (result.exitCode !== 0)
      throw new DipError(
        'DIP_STACK',
        `docker compose ${what} failed (exit ${result.exitCode}): ${lastLines(result.stderr)}`,
        {
          hint: 'is the Docker engine running? `docker info` shows it; `dip logs` shows the services’ output',
        },
      )
    return result
  }

  const render = async (): Promise<void> => {
    const template = await readFile(options.templatePath ?? TEMPLATE, 'utf8')
    const rendered = renderCompose(template, settings)
    await mkdir(paths.dir, { recursive: true })
    await writeFile(paths.composeFile, rendered.compose)
    await writeFile(paths.envFile, rendered.env, { mode: 0o600 })
    await chmod(paths.envFile, 0o600)
  }

  const containers = async (): Promise<ComposeContainer[]> => {
    if (!existsSync(paths.composeFile)) return []
    const result = await docker(['ps', '--all', '--format', 'json'], 'ps')
    return parseComposePs(result.stdout)
  }

  return {
    mode: 'docker',
    paths,

    async up(upOptions): Promise<UpResult> {
      await render()
      const before = await containers()
      const running = (service: ServiceName) =>
        before.some(
          (container) => container.service === COMPOSE_SERVICES[service] && container.state === 'running',
        )
      const wasRunning = new Set(SERVICE_NAMES.filter(running))
      for (const service of SERVICE_NAMES)
        upOptions.onProgress?.(
          wasRunning.has(service) ? { kind: 'already-running', service } : { kind: 'starting', service },
        )
      // `up -d` is idempotent: running containers whose configuration did not change are left alone.
      await docker(['up', '-d'], 'up', upOptions.signal)
      for (const service of SERVICE_NAMES) {
        await waitUntilHealthy(probes[service], {
          timeoutMs: upOptions.timeoutMs,
          what: `${service} (container ${settings.project}-${COMPOSE_SERVICES[service]})`,
          ...(upOptions.signal === undefined ? {} : { signal: upOptions.signal }),
          ...(options.probeIntervalMs === undefined ? {} : { intervalMs: options.probeIntervalMs }),
          onAttempt: (_result, elapsedMs) => upOptions.onProgress?.({ kind: 'waiting', service, elapsedMs }),
        })
        upOptions.onProgress?.({ kind: 'healthy', service })
      }
      const services: ServiceEndpoint[] = SERVICE_NAMES.map((name) => ({
        name,
        endpoint: endpoints[name],
        pid: null,
        started: !wasRunning.has(name),
      }))
      return { mode: 'docker', services, alreadyRunning: wasRunning.size === SERVICE_NAMES.length }
    },

    async down(downOptions): Promise<DownResult> {
      // Rendering first lets `down` work even when the state dir was cleaned by hand.
      await render()
      const before = await containers()
      const stopped = SERVICE_NAMES.filter((service) =>
        before.some(
          (container) => container.service === COMPOSE_SERVICES[service] && container.state === 'running',
        ),
      )
      for (const service of stopped) downOptions.onProgress?.({ kind: 'stopping', service })
      const args = ['down', '--remove-orphans']
      if (downOptions.timeoutMs !== undefined)
        args.push('--timeout', String(Math.ceil(downOptions.timeoutMs / 1000)))
      if (downOptions.purge) args.push('--volumes')
      await docker(args, 'down')
      for (const service of stopped) downOptions.onProgress?.({ kind: 'stopped', service, forced: false })
      if (downOptions.purge) await rm(paths.dir, { recursive: true, force: true })
      return { stopped, forced: [], purged: downOptions.purge }
    },

    async status(): Promise<ServiceStatus[]> {
      const list = await containers()
      return Promise.all(
        SERVICE_NAMES.map(async (name): Promise<ServiceStatus> => {
          const container = list.find((entry) => entry.service === COMPOSE_SERVICES[name])
          const base = { name, mode: 'docker' as const, pid: null, port: ports[name] }
          if (container === undefined)
            return {
              ...base,
              version: null,
              healthy: false,
              detail: 'not started (run `dip up --mode docker`)',
            }
          if (container.state !== 'running')
            return {
              ...base,
              version: null,
              healthy: false,
              container: container.name,
              detail: `container ${container.state}${container.status === '' ? '' : ` (${container.status})`}`,
            }
          const probe = await probes[name]()
          return {
            ...base,
            version: probe.version,
            healthy: probe.healthy,
            container: container.name,
            ...(probe.detail === undefined ? {} : { detail: probe.detail }),
            ...(probe.topicCount === undefined ? {} : { topicCount: probe.topicCount }),
          }
        }),
      )
    },

    async logs(service: ServiceName, logOptions: LogsOptions): Promise<void> {
      if (!existsSync(paths.composeFile)) await render()
      const args = ['logs', '--no-color', '--tail', String(logOptions.tail ?? 100)]
      if (logOptions.follow === true) {
        const stream = options.streamLines ?? (await import('./stream-lines.ts')).streamLines
        const exitCode = await stream(
          'docker',
          [...compose, ...args, '--follow', COMPOSE_SERVICES[service]],
          {
            onLine: logOptions.onLine,
            ...(logOptions.signal === undefined ? {} : { signal: logOptions.signal }),
          },
        )
        if (exitCode !== 0 && logOptions.signal?.aborted !== true)
          throw new DipError('DIP_STACK', `docker compose logs failed (exit ${exitCode})`)
        return
      }
      const result = await docker([...args, COMPOSE_SERVICES[service]], 'logs', logOptions.signal)
      for (const line of result.stdout.split('\n')) if (line !== '') logOptions.onLine(line)
    },
  }
}

function lastLines(text: string, count = 5): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
  return lines.length === 0 ? '(no output)' : lines.slice(-count).join('\n  ')
}
