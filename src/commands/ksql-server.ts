import { createContext, type GlobalOptions } from '../cli/context.ts'
import { createKafka } from '../cli/create-deps.ts'
import { installKafkajsSpeedups } from '../kafka/kafkajs-speedups.ts'
import { watchStack } from '../ksql-engine/kafka-bridge/stack-watchdog.ts'
import { onStopSignals } from './stop-signals.ts'

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
  const config = loaded.config
  const port = flags.port ?? Number(new URL(config.ksql.url).port || 8088)
  // Before kafkajs loads: every engine output record goes through kafkajs's producer.
  installKafkajsSpeedups()
  const { startEmbeddedServer } = await import('../ksql-engine/kafka-bridge/start-embedded-server.ts')
  const { startSupervisedServer } = await import('../ksql-engine/kafka-bridge/supervised-server.ts')
  const spinner = reporter.spinner('starting the embedded ksqlDB server (replaying the command topic)')
  const settings = {
    port,
    host: flags.host ?? '127.0.0.1',
    serviceId: flags.serviceId ?? 'default_',
    log: (message: string) => reporter.warn(message),
  }
  let server
  try {
    // On Kafka the server rides out broker restarts: it rebuilds in-process, as a restart would.
    server =
      flags.inMemory === true
        ? await startEmbeddedServer({ ...settings, kafka: null })
        : await startSupervisedServer({
            ...settings,
            kafka: await createKafka(config),
            brokers: config.kafka.brokers,
          })
  } catch (error) {
    spinner.fail('the embedded ksqlDB server did not start')
    throw error
  }
  spinner.succeed(
    `ksqlDB-compatible server on ${server.url}` +
      (flags.inMemory === true
        ? ' (in-memory topics)'
        : ` (Kafka ${config.kafka.brokers.join(',')}, ${server.replayedCommands} command(s) replayed)`),
  )
  reporter.result({ url: server.url, replayedCommands: server.replayedCommands })
  const running = server
  let release: () => void = () => undefined
  let unwatch: () => void = () => undefined
  try {
    await new Promise<void>((resolve) => {
      release = onStopSignals(() => resolve())
      if (flags.stackMarker !== undefined)
        unwatch = watchStack({
          marker: flags.stackMarker,
          onGone: (reason) => {
            reporter.warn(`stopping: ${reason}; nothing would ever stop this server otherwise`)
            resolve()
          },
        })
    })
  } finally {
    release()
    unwatch()
    await running.close()
  }
  reporter.info('ksqlDB server stopped')
}
