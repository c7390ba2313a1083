import { PROBE_TIMEOUT_MS, type Probe } from '../shared/probe.ts'
import { authHeaders, type KsqlCredentials } from './ksql-auth.ts'
import { fetchFailure } from './ksql-query.ts'

/** `GET /info` of a ksqlDB server (ours or Confluent's): `{ KsqlServerInfo: { version, … } }`. */
export function ksqldbProbe(options: {
  readonly url: string
  readonly timeoutMs?: number
  /** Sent when the server requires HTTP Basic authentication. */
  readonly credentials?: KsqlCredentials | undefined
}): Probe {
  return async (signal) => {
    try {
      const response = await fetch(new URL('/info', options.url), {
        headers: authHeaders(options.credentials),
        signal: withTimeout(options.timeoutMs, signal),
      })
      if (!response.ok) return { healthy: false, version: null, detail: `GET /info: HTTP ${response.status}` }
      const body = (await response.json()) as {
        KsqlServerInfo?: { version?: string; serverStatus?: string }
      }
      const info = body.KsqlServerInfo
      if (info === undefined) return { healthy: false, version: null, detail: 'GET /info: no KsqlServerInfo' }
      const status = info.serverStatus
      if (status !== undefined && status !== 'RUNNING')
        return { healthy: false, version: info.version ?? null, detail: `server status ${status}` }
      const kafkaDown = await kafkaUnreachableFromServer(options.url, options.timeoutMs, signal)
      return kafkaDown === null
        ? { healthy: true, version: info.version ?? null }
        : { healthy: false, version: info.version ?? null, detail: kafkaDown }
    } catch (error) {
      return { healthy: false, version: null, detail: fetchFailure(error) }
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
    const response = await fetch(new URL('/healthcheck', url), { signal: withTimeout(timeoutMs, signal) })
    const body = (await response.json()) as { details?: { kafka?: { isHealthy?: boolean } } }
    return body.details?.kafka?.isHealthy === false ? 'the server cannot reach Kafka (reconnecting)' : null
  } catch {
    return null
  }
}

/** The probe's own timeout, and the caller's stop when there is one. */
function withTimeout(timeoutMs: number | undefined, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs ?? PROBE_TIMEOUT_MS)
  return signal === undefined ? timeout : AbortSignal.any([timeout, signal])
}
