import axios from 'axios'
import { authHeaders, type KsqlCredentials } from '../ksql-client/ksql-auth.ts'
import { Kafka, logLevel } from 'kafkajs'
import mysql from 'mysql2/promise'
import { DipError, errorMessage } from '../shared/errors.ts'

/**
 * Network health probes shared by the native and Docker stacks. A probe never throws: it answers
 * healthy or not, with the reason, so `dip status` can show a broken service next to working ones.
 */
export interface ProbeResult {
  readonly healthy: boolean
  readonly version: string | null
  readonly detail?: string
  /** Kafka only: topics, internal ones (`__consumer_offsets`, …) excluded. */
  readonly topicCount?: number
}

export type Probe = (signal?: AbortSignal) => Promise<ProbeResult>

const PROBE_TIMEOUT_MS = 3_000

export interface KafkaProbeOptions {
  readonly brokers: readonly string[]
  readonly timeoutMs?: number
}

/** A metadata request through kafkajs' admin client: the broker is up and the controller elected. */
export function kafkaProbe(options: KafkaProbeOptions): Probe {
  const timeout = options.timeoutMs ?? PROBE_TIMEOUT_MS
  return async () => {
    const kafka = new Kafka({
      clientId: 'dip-health',
      brokers: [...options.brokers],
      connectionTimeout: timeout,
      requestTimeout: timeout,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    })
    const admin = kafka.admin({ retry: { retries: 0 } })
    try {
      await admin.connect()
      const cluster = await admin.describeCluster()
      if (cluster.controller == null || cluster.controller < 0)
        return { healthy: false, version: null, detail: 'no active controller yet' }
      const topics = await admin.listTopics()
      return {
        healthy: true,
        version: null,
        topicCount: topics.filter((name) => !name.startsWith('__') && !name.startsWith('_confluent')).length,
      }
    } catch (error) {
      return { healthy: false, version: null, detail: errorMessage(error) }
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }
}

/**
 * The group and transaction coordinators answer. On a fresh broker the first FindCoordinator
 * creates `__consumer_offsets` / `__transaction_state` and they load for a moment, during which
 * clients get NOT_COORDINATOR errors that kafkajs does not always retry; `dip up` waits for this
 * so the first consumer group or transaction of a user (or a test) never sees that window.
 */
export function kafkaCoordinatorsProbe(options: KafkaProbeOptions): Probe {
  const timeout = options.timeoutMs ?? PROBE_TIMEOUT_MS
  return async () => {
    const kafka = new Kafka({
      clientId: 'dip-health',
      brokers: [...options.brokers],
      connectionTimeout: timeout,
      requestTimeout: timeout,
      retry: { retries: 2, initialRetryTime: 200 },
      logLevel: logLevel.NOTHING,
    })
    const admin = kafka.admin()
    const producer = kafka.producer({
      transactionalId: 'dip-warm-up',
      idempotent: true,
      maxInFlightRequests: 1,
    })
    try {
      await admin.connect()
      // kafkajs finds the group coordinator first and throws while it is not available.
      await admin.describeGroups(['dip-warm-up'])
      // The first transaction runs InitProducerId through the transaction coordinator; an empty
      // transaction aborts locally without sending EndTxn.
      await producer.connect()
      await (await producer.transaction()).abort()
      return { healthy: true, version: null }
    } catch (error) {
      return { healthy: false, version: null, detail: `coordinators: ${errorMessage(error)}` }
    } finally {
      await producer.disconnect().catch(() => undefined)
      await admin.disconnect().catch(() => undefined)
    }
  }
}

export interface MysqlProbeOptions {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database?: string
  readonly timeoutMs?: number
}

/** `SELECT 1` and the server version over TCP, with the configured user. */
export function mysqlProbe(options: MysqlProbeOptions): Probe {
  return async () => {
    let connection: mysql.Connection | undefined
    try {
      connection = await mysql.createConnection({
        host: options.host,
        port: options.port,
        user: options.user,
        password: options.password,
        ...(options.database === undefined ? {} : { database: options.database }),
        connectTimeout: options.timeoutMs ?? PROBE_TIMEOUT_MS,
      })
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT 1 AS ok, VERSION() AS version')
      const version = rows[0]?.['version']
      return { healthy: rows[0]?.['ok'] === 1, version: typeof version === 'string' ? version : null }
    } catch (error) {
      return { healthy: false, version: null, detail: errorMessage(error) }
    } finally {
      await connection?.end().catch(() => undefined)
    }
  }
}

/** `GET /info` of a ksqlDB server (ours or Confluent's): `{ KsqlServerInfo: { version, … } }`. */
export function ksqldbProbe(options: {
  readonly url: string
  readonly timeoutMs?: number
  /** Sent when the server requires HTTP Basic authentication. */
  readonly credentials?: KsqlCredentials | undefined
}): Probe {
  return async (signal) => {
    try {
      const response = await axios.get<{ KsqlServerInfo?: { version?: string; serverStatus?: string } }>(
        new URL('/info', options.url).href,
        {
          timeout: options.timeoutMs ?? PROBE_TIMEOUT_MS,
          headers: authHeaders(options.credentials),
          ...(signal === undefined ? {} : { signal }),
        },
      )
      const info = response.data.KsqlServerInfo
      if (info === undefined) return { healthy: false, version: null, detail: 'GET /info: no KsqlServerInfo' }
      const status = info.serverStatus
      if (status !== undefined && status !== 'RUNNING')
        return { healthy: false, version: info.version ?? null, detail: `server status ${status}` }
      const kafkaDown = await kafkaUnreachableFromServer(options.url, options.timeoutMs, signal)
      return kafkaDown === null
        ? { healthy: true, version: info.version ?? null }
        : { healthy: false, version: info.version ?? null, detail: kafkaDown }
    } catch (error) {
      return { healthy: false, version: null, detail: errorMessage(error) }
    }
  }
}

/**
 * ksqlDB's `GET /healthcheck` names Kafka's health as the server sees it: a server whose broker is
 * gone still answers /info while it reconnects. null when Kafka is fine or the server has no
 * /healthcheck (older servers).
 */
async function kafkaUnreachableFromServer(
  url: string,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  try {
    const response = await axios.get<{ details?: { kafka?: { isHealthy?: boolean } } }>(
      new URL('/healthcheck', url).href,
      {
        timeout: timeoutMs ?? PROBE_TIMEOUT_MS,
        validateStatus: () => true,
        ...(signal === undefined ? {} : { signal }),
      },
    )
    return response.data.details?.kafka?.isHealthy === false
      ? 'the server cannot reach Kafka (reconnecting)'
      : null
  } catch {
    return null
  }
}

export interface WaitOptions {
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  /** Pause between attempts (default 500 ms). */
  readonly intervalMs?: number
  /** Called after every failed attempt, e.g. to update a spinner or notice a crashed process. */
  readonly onAttempt?: (result: ProbeResult, elapsedMs: number) => void
  /** Checked between attempts: return a reason to give up early (the process exited). */
  readonly giveUp?: () => string | undefined
  /** Names the service in the timeout error. */
  readonly what?: string
}

/** Polls a probe until it answers healthy; throws DIP_TIMEOUT with the last failure otherwise. */
export async function waitUntilHealthy(probe: Probe, options: WaitOptions): Promise<ProbeResult> {
  const started = Date.now()
  const interval = options.intervalMs ?? 500
  const what = options.what ?? 'service'
  let last: ProbeResult = { healthy: false, version: null, detail: 'not probed yet' }
  for (;;) {
    if (options.signal?.aborted === true)
      throw new DipError('DIP_STACK', `Waiting for ${what} was cancelled.`)
    last = await probe(options.signal)
    if (last.healthy) return last
    const elapsed = Date.now() - started
    options.onAttempt?.(last, elapsed)
    const reason = options.giveUp?.()
    if (reason !== undefined) throw new DipError('DIP_STACK', `${what} stopped while starting: ${reason}`)
    if (elapsed >= options.timeoutMs) {
      throw new DipError(
        'DIP_TIMEOUT',
        `${what} did not become healthy within ${Math.round(options.timeoutMs / 1000)} s (last answer: ${last.detail ?? 'unhealthy'}).`,
        { hint: 'Check its log with `dip logs`, or raise stack.startTimeoutSeconds.' },
      )
    }
    await sleep(Math.min(interval, Math.max(0, options.timeoutMs - elapsed)), options.signal)
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
