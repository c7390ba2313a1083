import { connect } from 'node:net'

/**
 * Whether a broker accepts connections, checked in the background. An idle server's consumer
 * notices a dead broker only after its client's retries run out; this answers within a check, so
 * /healthcheck (and `dip status`) show an outage while it lasts.
 */
export interface BrokerWatch {
  /** false once no broker of the list has accepted a connection in the last check. */
  reachable(): boolean
  stop(): void
}

export function watchBrokers(
  brokers: readonly string[],
  options: {
    readonly intervalMs?: number
    readonly timeoutMs?: number
    /** Called when the answer changes. */
    readonly onChange?: (reachable: boolean) => void
  } = {},
): BrokerWatch {
  const timeoutMs = options.timeoutMs ?? 1000
  let reachable = true
  let checking = false
  const check = async () => {
    if (checking) return
    checking = true
    try {
      const answers = await Promise.all(brokers.map((broker) => accepts(broker, timeoutMs)))
      const now = answers.some(Boolean)
      if (now !== reachable) options.onChange?.(now)
      reachable = now
    } finally {
      checking = false
    }
  }
  const timer = setInterval(() => void check(), options.intervalMs ?? 1000)
  // The watch alone must not keep the process alive.
  timer.unref()
  return { reachable: () => reachable, stop: () => clearInterval(timer) }
}

function accepts(broker: string, timeoutMs: number): Promise<boolean> {
  const at = broker.lastIndexOf(':')
  const host = broker.slice(0, at).replace(/^\[|\]$/g, '')
  const port = Number(broker.slice(at + 1))
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/**
 * Says on the terminal (or log) when the broker stops and starts accepting connections, for
 * long-running clients whose library reconnects silently.
 */
export function reportBrokerOutages(
  brokers: readonly string[],
  say: (message: string) => void,
  intervalMs?: number,
): BrokerWatch {
  let lostAt = 0
  return watchBrokers(brokers, {
    ...(intervalMs === undefined ? {} : { intervalMs }),
    onChange: (reachable) => {
      if (!reachable) lostAt = Date.now()
      say(
        reachable
          ? `Kafka accepts connections again after ${((Date.now() - lostAt) / 1000).toFixed(1)} s: resuming`
          : `Kafka (${brokers.join(',')}) does not accept connections: waiting for it to come back (reconnecting with backoff)`,
      )
    },
  })
}
