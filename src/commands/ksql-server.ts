import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { createContext, type GlobalOptions } from '../app/context.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import {
  assertBindAllowed,
  createBasicAuth,
  parseCredentialsFile,
  type BasicAuth,
} from '../ksql-engine/server/basic-auth.ts'
import { assertNever } from '../shared/assert-never.ts'
import { DipError, errorMessage } from '../shared/errors.ts'
import { createKafka } from '../app/create-deps.ts'
import { watchStack } from '../ksql-engine/kafka-bridge/stack-watchdog.ts'
import { onStopSignals } from '../app/stop-signals.ts'

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
  const host = flags.host ?? '127.0.0.1'
  const auth = loadServerAuth(loaded)
  // Refused before anything starts: no replay, no Kafka connection for a server that may not listen.
  assertBindAllowed(host, auth)
  const { startEmbeddedServer } = await import('../ksql-engine/kafka-bridge/start-embedded-server.ts')
  const { startSupervisedServer } = await import('../ksql-engine/kafka-bridge/supervised-server.ts')
  const spinner = reporter.spinner('starting the embedded ksqlDB server (replaying the command topic)')
  const settings = {
    port,
    host,
    auth,
    serviceId: flags.serviceId ?? 'default_',
    // As the lab's docker-compose configures ksqlDB: the processing log is a topic and a stream.
    properties: {
      'ksql.logging.processing.topic.auto.create': 'true',
      'ksql.logging.processing.stream.auto.create': 'true',
    },
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
      (auth === null ? '' : ` (HTTP Basic, realm ${auth.realm})`) +
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

/**
 * ksql.authentication → the server's Basic check: BASIC needs a credentials file, read here (paths
 * are relative to the config file's folder); NONE gives none.
 */
export function loadServerAuth(loaded: LoadedConfig): BasicAuth | null {
  const { method, realm, credentialsFile } = loaded.config.ksql.authentication
  switch (method) {
    case 'NONE':
      return null
    case 'BASIC': {
      if (credentialsFile === '')
        throw new DipError(
          'DIP_CONFIG',
          'ksql.authentication.method is BASIC but no credentials file is set.',
          {
            hint: 'set ksql.authentication.credentialsFile (env DIP_KSQL_AUTHENTICATION_CREDENTIALS_FILE) to a file of `user: password` lines',
          },
        )
      const path = isAbsolute(credentialsFile) ? credentialsFile : resolve(loaded.baseDir, credentialsFile)
      const read = (file: string): string => {
        try {
          return readFileSync(isAbsolute(file) ? file : resolve(dirname(path), file), 'utf8')
        } catch (error) {
          throw new DipError(
            'DIP_CONFIG',
            `ksqlDB credentials file ${file} cannot be read: ${errorMessage(error)}`,
            {
              hint: 'point ksql.authentication.credentialsFile at a readable file',
            },
          )
        }
      }
      return createBasicAuth(parseCredentialsFile(read(path), path, realm, read), realm)
    }
    default:
      return assertNever(method, 'authentication method')
  }
}
