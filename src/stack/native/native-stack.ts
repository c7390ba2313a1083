import { existsSync, readlinkSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { DipError } from '../../shared/errors.ts'
import type { LoadedConfig } from '../../config/load-config.ts'
import type { CommandRunner } from '../command-runner.ts'
import { waitUntilHealthy, type ProbeResult } from '../health.ts'
import { kafkaCoordinatorsProbe, kafkaProbe } from '../../kafka/kafka-probes.ts'
import { ksqldbProbe } from '../../ksql-client/ksql-probe.ts'
import { mysqlProbe } from '../../mysql/mysql-probe.ts'
import { ksqlCredentials } from '../../ksql-client/ksql-auth.ts'
import { findProvisionedKafka, kafkaRuntime, notProvisionedError } from '../provision/kafka-provision.ts'
import type {
  DownOptions,
  DownResult,
  LogsOptions,
  ServiceEndpoint,
  ServiceName,
  ServiceStatus,
  StackDriver,
  UpOptions,
  UpResult,
} from '../stack-driver.ts'
import { brokerAddress } from './kafka-server-config.ts'
import {
  checkKafkaDataDir,
  javaCommand,
  prepareKafka,
  startKafka,
  type KafkaNativeSettings,
} from './kafka-native.ts'
import { followFile, tailFile, tailForError } from './log-tail.ts'
import {
  bootstrapMysql,
  checkMysqlDataDir,
  ensureDatabase,
  prepareMysql,
  startMysql,
  socketAnswers,
  type MysqlNativeSettings,
} from './mariadb-native.ts'
import { ksqldbPaths, startKsqldb } from './ksqldb-native.ts'
import {
  describeMysqlServer,
  parseMysqlServer,
  resolveMysqlBinaries,
  type MysqlBinaries,
} from './mysql-server-choice.ts'
import { nativePaths, type NativePaths } from './native-paths.ts'
import { findPortHolder, isPortFree } from './port-check.ts'
import {
  findProcesses,
  isAlive,
  readPidFile,
  removePidFile,
  stopProcess,
  type PidState,
  type Spawned,
} from './processes.ts'

/** The services of the native stack, in start order; ksqldb (dip's embedded engine) needs Kafka first. */
const NATIVE_SERVICES = ['kafka', 'mysql', 'ksqldb'] as const satisfies readonly ServiceName[]
type NativeService = (typeof NATIVE_SERVICES)[number]

export interface NativeStackOptions {
  readonly loaded: LoadedConfig
  readonly runner: CommandRunner
  readonly env?: Readonly<Record<string, string | undefined>>
}

export function createNativeStack(
  options: NativeStackOptions,
): StackDriver & { readonly paths: NativePaths } {
  const { loaded, runner } = options
  const env = options.env ?? process.env
  const config = loaded.config
  const paths = nativePaths(loaded.stateDir)
  const broker = brokerAddress(config.kafka.brokers)
  const mysqlSettings: MysqlNativeSettings = {
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
    database: config.mysql.database,
  }
  const stopTimeoutMs = config.stack.stopTimeoutSeconds * 1000
  const mysqlServer = parseMysqlServer(config.mysql.server, loaded.baseDir)

  // The pid marker: a process is ours when its command line names our config or data dir.
  const ksqldb = ksqldbPaths(loaded.stateDir)
  const ksqlPort = Number(new URL(config.ksql.url).port || 8088)
  const markers: Record<NativeService, string> = {
    kafka: paths.kafkaConfig,
    mysql: paths.mysqlDataDir,
    ksqldb: ksqldb.marker,
  }
  const pidFiles: Record<NativeService, string> = {
    kafka: paths.kafkaPid,
    mysql: paths.mysqlPid,
    ksqldb: ksqldb.pidFile,
  }
  const logFiles: Record<NativeService, string> = {
    kafka: paths.kafkaLog,
    mysql: paths.mysqlLog,
    ksqldb: ksqldb.logFile,
  }
  const ports: Record<NativeService, readonly { port: number; key: string }[]> = {
    kafka: [
      { port: broker.port, key: 'kafka.brokers' },
      { port: config.kafka.controllerPort, key: 'kafka.controllerPort' },
    ],
    mysql: [{ port: config.mysql.port, key: 'mysql.port' }],
    ksqldb: [{ port: ksqlPort, key: 'ksql.url' }],
  }
  const probes = {
    kafka: kafkaProbe({ brokers: [`${broker.host}:${broker.port}`] }),
    mysql: mysqlProbe({
      host: '127.0.0.1',
      port: mysqlSettings.port,
      user: mysqlSettings.user,
      password: mysqlSettings.password,
    }),
    ksqldb: ksqldbProbe({ url: config.ksql.url, credentials: ksqlCredentials(config.ksql) }),
  }
  const pidState = (service: NativeService): PidState => readPidFile(pidFiles[service], markers[service])

  async function up(upOptions: UpOptions): Promise<UpResult> {
    const progress = upOptions.onProgress ?? (() => undefined)
    assertLocalBroker(broker.host)
    const states = { kafka: pidState('kafka'), mysql: pidState('mysql'), ksqldb: pidState('ksqldb') }
    for (const service of NATIVE_SERVICES) {
      const state = states[service]
      if (state.kind === 'stale') {
        progress({
          kind: 'note',
          message: `removed stale pid file ${pidFiles[service]} (pid ${state.pid ?? '?'} is not a running ${service})`,
        })
        await removePidFile(pidFiles[service])
      }
    }
    const toStart = NATIVE_SERVICES.filter((service) => states[service].kind !== 'running')
    // Check everything before starting anything, so a conflict leaves nothing half-started.
    for (const service of toStart) await assertPortsFree(service)
    const kafkaSettings = toStart.includes('kafka') ? kafkaSettingsOrThrow() : undefined
    const mysqlBinaries = toStart.includes('mysql') ? resolveMysqlBinaries(mysqlServer, env) : undefined
    if (toStart.includes('kafka')) checkKafkaDataDir(paths.kafkaDataDir)
    if (toStart.includes('mysql')) checkMysqlDataDir(paths.mysqlDataDir)

    const started = new Map<NativeService, Spawned>()
    // When one service fails, the other's wait stops too instead of probing a killed process.
    const failed = new AbortController()
    const signal =
      upOptions.signal === undefined ? failed.signal : AbortSignal.any([upOptions.signal, failed.signal])
    const start = async (service: NativeService): Promise<void> => {
      progress({ kind: 'starting', service })
      started.set(service, await startService(service, kafkaSettings, mysqlBinaries))
    }
    const waitOptions = { ...upOptions, signal }
    try {
      if (toStart.includes('kafka')) await start('kafka')
      if (toStart.includes('mysql')) await start('mysql')
      const backing = ['kafka', 'mysql'] as const
      for (const service of backing) if (!started.has(service)) progress({ kind: 'already-running', service })
      await Promise.all(backing.map((service) => waitOrRestart(service, started, start, waitOptions)))
      // The ksqlDB server replays its command topic from Kafka, so it starts once Kafka is healthy.
      if (toStart.includes('ksqldb')) await start('ksqldb')
      else progress({ kind: 'already-running', service: 'ksqldb' })
      await waitOrRestart('ksqldb', started, start, waitOptions)
    } catch (error) {
      failed.abort()
      // Leave no half-started stack behind: stop what this run started.
      for (const [service, spawned] of started) {
        if (isAlive(spawned.pid)) await stopProcess(spawned.pid, stopTimeoutMs)
        await removePidFile(pidFiles[service])
      }
      throw error
    }
    const services: ServiceEndpoint[] = NATIVE_SERVICES.map((service) => {
      const state = pidState(service)
      return {
        name: service,
        endpoint: endpointOf(service),
        pid: state.kind === 'running' ? state.pid : null,
        started: started.has(service),
      }
    })
    return { mode: 'native', services, alreadyRunning: started.size === 0 }
  }

  async function startService(
    service: NativeService,
    kafkaSettings: KafkaNativeSettings | undefined,
    mysqlBinaries: MysqlBinaries | undefined,
  ): Promise<Spawned> {
    switch (service) {
      case 'kafka': {
        // Looked up here too: a running broker that stops while this run waits for it is restarted.
        const settings = kafkaSettings ?? kafkaSettingsOrThrow()
        await prepareKafka(paths, settings, runner)
        return startKafka(paths, settings)
      }
      case 'mysql': {
        const binaries = mysqlBinaries ?? resolveMysqlBinaries(mysqlServer, env)
        await prepareMysql(paths, binaries, runner)
        return startMysql(paths, binaries, mysqlSettings)
      }
      case 'ksqldb':
        return startKsqldb({ stateDir: loaded.stateDir, configFile: loaded.file, port: ksqlPort })
    }
  }

  /**
   * Waits for a service to answer. One that was already running may stop while this run waits for
   * it (a ksqlDB server whose broker was killed used to stop by itself): it is started again, once,
   * instead of being probed until the start timeout (which then stopped the rest of the stack).
   */
  async function waitOrRestart(
    service: NativeService,
    started: ReadonlyMap<NativeService, Spawned>,
    start: (service: NativeService) => Promise<void>,
    upOptions: UpOptions,
  ): Promise<void> {
    if (started.has(service)) return waitFor(service, started.get(service), upOptions)
    try {
      await waitFor(service, undefined, upOptions)
      return
    } catch (error) {
      if (pidState(service).kind === 'running' || upOptions.signal?.aborted === true) throw error
    }
    upOptions.onProgress?.({
      kind: 'note',
      message: `${service} stopped while dip up waited for it; starting it again`,
    })
    await removePidFile(pidFiles[service])
    await assertPortsFree(service)
    await start(service)
    await waitFor(service, started.get(service), upOptions)
  }

  async function waitFor(service: NativeService, spawned: Spawned | undefined, upOptions: UpOptions) {
    const progress = upOptions.onProgress ?? (() => undefined)
    const giveUp = () => {
      // A process this run did not start is watched through its pid file.
      if (spawned === undefined) return pidState(service).kind === 'running' ? undefined : 'exited'
      const exit = spawned.exited()
      if (exit === undefined && isAlive(spawned.pid)) return undefined
      const how = exit === undefined ? 'exited' : `exited with ${exit.signal ?? `code ${String(exit.code)}`}`
      return `${how}; ${tailForError(logFiles[service])}`
    }
    const waitOptions = {
      timeoutMs: upOptions.timeoutMs,
      what: service,
      giveUp,
      onAttempt: (_result: ProbeResult, elapsedMs: number) =>
        progress({ kind: 'waiting', service, elapsedMs }),
      ...(upOptions.signal === undefined ? {} : { signal: upOptions.signal }),
    }
    if (service === 'mysql' && spawned !== undefined) {
      // Before the bootstrap only root over the socket can log in; the TCP probe needs the user's password.
      await waitUntilHealthy(async () => {
        const answers = await socketAnswers(paths)
        return { healthy: answers, version: null, detail: 'socket not answering yet' }
      }, waitOptions)
      await bootstrapMysql(paths, mysqlSettings)
    }
    if (service === 'mysql') await assertCredentialsAccepted()
    await waitUntilHealthy(probes[service], waitOptions)
    if (service === 'mysql') await ensureDatabase(mysqlSettings)
    if (service === 'kafka' && spawned !== undefined)
      await waitUntilHealthy(
        kafkaCoordinatorsProbe({ brokers: [`${broker.host}:${broker.port}`] }),
        waitOptions,
      )
    progress({ kind: 'healthy', service })
  }

  /** A data dir set up with other credentials would otherwise only show up as a timeout. */
  async function assertCredentialsAccepted(): Promise<void> {
    const first = await probes.mysql()
    if (first.healthy || !/Access denied/i.test(first.detail ?? '')) return
    throw new DipError(
      'DIP_MYSQL',
      `MySQL on 127.0.0.1:${mysqlSettings.port} rejects user ${mysqlSettings.user} with the configured password (${paths.mysqlDataDir} was set up with other credentials).`,
      {
        hint: 'Set mysql.user/mysql.password back, or start from scratch with `dip down --purge` (databases are lost).',
      },
    )
  }

  async function down(downOptions: DownOptions): Promise<DownResult> {
    const progress = downOptions.onProgress ?? (() => undefined)
    const timeoutMs = downOptions.timeoutMs ?? stopTimeoutMs
    const stopped: ServiceName[] = []
    const forced: ServiceName[] = []
    // Reverse start order; also catch our processes whose pid file was lost.
    for (const service of [...NATIVE_SERVICES].reverse()) {
      const state = pidState(service)
      const pids = new Set(findProcesses(markers[service]))
      if (state.kind === 'running') pids.add(state.pid)
      if (pids.size > 0) progress({ kind: 'stopping', service })
      let wasForced = false
      for (const pid of pids) wasForced = (await stopProcess(pid, timeoutMs)).forced || wasForced
      await removePidFile(pidFiles[service])
      if (pids.size > 0) {
        stopped.push(service)
        if (wasForced) forced.push(service)
        progress({ kind: 'stopped', service, forced: wasForced })
      }
    }
    if (downOptions.purge) {
      for (const dir of [
        paths.kafkaDir,
        paths.mysqlDir,
        ksqldb.marker,
        paths.logsDir,
        paths.runDir,
        paths.modeFile,
      ])
        await rm(dir, { recursive: true, force: true })
      await rm(paths.mysqlSocket, { force: true })
    }
    return { stopped, forced, purged: downOptions.purge }
  }

  async function status(): Promise<ServiceStatus[]> {
    return Promise.all(
      NATIVE_SERVICES.map(async (service): Promise<ServiceStatus> => {
        const state = pidState(service)
        const probe = await probes[service]()
        const port = ports[service][0]?.port ?? 0
        const version = service === 'kafka' ? config.kafka.version : probe.version
        const base = {
          name: service,
          mode: 'native' as const,
          pid: state.kind === 'running' ? state.pid : null,
          port,
          version: probe.healthy ? version : null,
          healthy: probe.healthy && state.kind === 'running',
          ...(probe.topicCount === undefined ? {} : { topicCount: probe.topicCount }),
          ...(service === 'mysql' ? { binary: mysqlBinaryInUse(state) } : {}),
        }
        if (state.kind === 'none')
          return {
            ...base,
            detail: probe.healthy ? `port ${port} answers, but not a server started by dip` : 'not running',
          }
        if (state.kind === 'stale')
          return {
            ...base,
            detail: `stale pid file ${pidFiles[service]} (process ${state.pid ?? '?'} is gone)`,
          }
        return probe.healthy ? base : { ...base, detail: probe.detail ?? 'not answering' }
      }),
    )
  }

  /** The running server's own executable when there is one, else what `mysql.server` points at. */
  function mysqlBinaryInUse(state: PidState): string {
    if (state.kind === 'running') {
      const exe = executableOf(state.pid)
      if (exe !== undefined) return `${mysqlServer.kind}: ${exe}`
    }
    return describeMysqlServer(mysqlServer, env)
  }

  async function logs(service: ServiceName, logOptions: LogsOptions): Promise<void> {
    const file = logFiles[service]
    if (!existsSync(file)) {
      throw new DipError('DIP_STACK_NOT_RUNNING', `No ${service} log yet (${file}).`, {
        hint: 'Start the stack with `dip up`.',
      })
    }
    for (const line of tailFile(file, logOptions.tail ?? 100)) logOptions.onLine(line)
    if (logOptions.follow === true) await followFile(file, logOptions)
  }

  function kafkaSettingsOrThrow(): KafkaNativeSettings {
    const runtime = findProvisionedKafka(config.kafka.version, env)
    if (runtime === undefined)
      throw notProvisionedError(config.kafka.version, kafkaRuntime(config.kafka.version, env).home)
    return {
      host: broker.host,
      brokerPort: broker.port,
      controllerPort: config.kafka.controllerPort,
      runtime,
      javaCommand: javaCommand(env),
    }
  }

  async function assertPortsFree(service: NativeService): Promise<void> {
    for (const { port, key } of ports[service]) {
      if (await isPortFree(port)) continue
      const holder = findPortHolder(port)
      const by = holder === undefined ? 'another process' : `pid ${holder.pid} (${holder.command})`
      throw new DipError(
        'DIP_PORT_IN_USE',
        `Port ${port} (${key}) is already in use by ${by}; ${service} cannot start.`,
        {
          hint: `Stop that process, or choose another port: set ${key} in dip.config.yaml (env ${envNameOf(key)}).`,
          details: { port, key, service, ...(holder === undefined ? {} : { holderPid: holder.pid }) },
        },
      )
    }
  }

  function endpointOf(service: NativeService): string {
    if (service === 'ksqldb') return config.ksql.url
    return service === 'kafka'
      ? `${broker.host}:${broker.port}`
      : `mysql://${mysqlSettings.user}@127.0.0.1:${mysqlSettings.port}/${mysqlSettings.database}`
  }

  return { mode: 'native', paths, up, down, status, logs }
}

function executableOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`)
  } catch {
    return undefined
  }
}

function assertLocalBroker(host: string): void {
  if (['127.0.0.1', 'localhost', '::1', '0.0.0.0'].includes(host)) return
  throw new DipError(
    'DIP_CONFIG',
    `kafka.brokers[0] points at ${host}; the native stack can only run a local broker.`,
    {
      hint: 'Use localhost:<port> in kafka.brokers, or run without `dip up` against your remote cluster.',
    },
  )
}

function envNameOf(key: string): string {
  return `DIP_${key
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`
}
