import { createContext, type GlobalOptions } from '../app/context.ts'
import { createKafka } from '../app/create-deps.ts'
import { onStopSignals } from '../app/stop-signals.ts'
import { loadServerAuth, planKsqlServe, serveUntilStopped, startKsqlServe } from '../ksql-engine/index.ts'

export interface KsqlServerFlags {
  readonly port?: number
  readonly host?: string
  readonly serviceId?: string
  readonly inMemory?: boolean
  /** Set by `dip up`: a file under the stack's state dir; the server stops once the stack is gone. */
  readonly stackMarker?: string
}

/** `dip ksql server`: the embedded engine as a ksqlDB REST server, until SIGINT/SIGTERM. */
export async function runKsqlServer(global: GlobalOptions, flags: KsqlServerFlags): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const { config } = loaded
  const auth = loadServerAuth(config.ksql.authentication, loaded.baseDir)
  const plan = planKsqlServe(flags, { ksqlUrl: config.ksql.url, brokers: config.kafka.brokers, auth })
  const spinner = reporter.spinner('starting the embedded ksqlDB server (replaying the command topic)')
  const server = await startKsqlServe(plan, {
    createKafka: () => createKafka(config),
    log: (message) => reporter.warn(message),
  }).catch((error: unknown) => {
    spinner.fail('the embedded ksqlDB server did not start')
    throw error
  })
  spinner.succeed(
    `ksqlDB-compatible server on ${server.url}` +
      (auth === null ? '' : ` (HTTP Basic, realm ${auth.realm})`) +
      (plan.brokers === null
        ? ' (in-memory topics)'
        : ` (Kafka ${plan.brokers.join(',')}, ${server.replayedCommands} command(s) replayed)`),
  )
  reporter.result({ url: server.url, replayedCommands: server.replayedCommands })
  const stop = new AbortController()
  const release = onStopSignals(() => stop.abort())
  try {
    await serveUntilStopped(server, plan, stop.signal, (reason) =>
      reporter.warn(`stopping: ${reason}; nothing would ever stop this server otherwise`),
    )
  } finally {
    release()
  }
  reporter.info('ksqlDB server stopped')
}
