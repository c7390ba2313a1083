import type { KafkaPorts } from '../../kafka/ports.ts'
import { errorMessage } from '../../shared/errors.ts'
import {
  serveBridge,
  startKafkaBridge,
  type EmbeddedServer,
  type EmbeddedServerOptions,
} from './start-embedded-server.ts'
import { reportBrokerOutages } from '../../kafka/broker-watch.ts'

/**
 * The embedded server on Kafka, riding out broker outages. When the bridge gives up on Kafka (a
 * transaction that failed for another reason than a concurrent one may have committed), this
 * process does what a restart would: a fresh engine replays the command topic and rebuilds its
 * state from the offsets committed with the output, so the output stays exactly-once. Until Kafka
 * answers again the old REST server keeps answering (its /healthcheck says Kafka is down), and
 * attempts back off.
 */
export interface SupervisedServerOptions extends Omit<
  EmbeddedServerOptions,
  'kafka' | 'onFatal' | 'brokerReachable'
> {
  readonly kafka: KafkaPorts
  /** `host:port` of the brokers, watched so an outage shows at once (log, /healthcheck). */
  readonly brokers: readonly string[]
  readonly log: (message: string) => void
  /** First pause before a rebuild; doubles per failed attempt up to maxRetryMs. */
  readonly retryMs?: number
  readonly maxRetryMs?: number
}

export async function startSupervisedServer(options: SupervisedServerOptions): Promise<EmbeddedServer> {
  const firstRetryMs = options.retryMs ?? 1000
  const maxRetryMs = options.maxRetryMs ?? 5000
  const closing = new AbortController()
  let rebuilding: Promise<void> | null = null
  const watch = reportBrokerOutages(options.brokers, options.log)
  /**
   * One bridge; its fatal error (only once it is serving) starts the rebuild. `beforeServing` frees
   * the REST port once the new bridge has rebuilt its state.
   */
  async function startIncarnation(beforeServing?: () => Promise<void>): Promise<EmbeddedServer> {
    let serving = false
    const { backend, replayedCommands } = await startKafkaBridge({
      ...options,
      brokerReachable: watch.reachable,
      onFatal: (error) => {
        if (serving) lost(error)
      },
    })
    try {
      await beforeServing?.()
    } catch (error) {
      await backend.stop().catch(() => undefined)
      throw error
    }
    const server = await serveBridge(backend, replayedCommands, options)
    serving = true
    return server
  }

  let current: EmbeddedServer
  try {
    current = await startIncarnation()
  } catch (error) {
    watch.stop()
    throw error
  }
  const first = current

  function lost(error: unknown): void {
    if (rebuilding !== null || closing.signal.aborted) return
    rebuilding = rebuild(error).finally(() => {
      rebuilding = null
    })
  }

  async function rebuild(error: unknown): Promise<void> {
    const since = Date.now()
    options.log(
      `lost Kafka: ${errorMessage(error)}; rebuilding from the committed offsets once it answers (reconnecting with backoff)`,
    )
    let delayMs = firstRetryMs
    for (let attempt = 1; !closing.signal.aborted; attempt++) {
      await pause(delayMs, closing.signal)
      if (closing.signal.aborted) return
      try {
        // The REST port moves to the new bridge: the old one's server and consumer stop first.
        const previous = current
        current = await startIncarnation(() => previous.close().catch(() => undefined))
        options.log(
          `reconnected to Kafka after ${((Date.now() - since) / 1000).toFixed(1)} s (attempt ${attempt}): ` +
            `${current.replayedCommands} command(s) replayed, state rebuilt from the committed offsets`,
        )
        return
      } catch (failure) {
        const nextMs = Math.min(delayMs * 2, maxRetryMs)
        options.log(
          `Kafka not usable yet (attempt ${attempt}): ${errorMessage(failure)}; next attempt in ${(nextMs / 1000).toFixed(1)} s`,
        )
        delayMs = nextMs
      }
    }
  }
  return {
    url: first.url,
    port: first.port,
    replayedCommands: first.replayedCommands,
    async close() {
      closing.abort()
      watch.stop()
      await rebuilding
      await current.close()
    },
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
