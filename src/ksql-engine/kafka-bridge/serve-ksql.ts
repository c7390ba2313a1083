import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { KafkaPorts } from '../../kafka/ports.ts'
import { assertNever } from '../../shared/assert-never.ts'
import { DipError, errorMessage } from '../../shared/errors.ts'
import {
  assertBindAllowed,
  createBasicAuth,
  parseCredentialsFile,
  type BasicAuth,
} from '../server/basic-auth.ts'
import { watchStack } from './stack-watchdog.ts'
import type { EmbeddedServer } from './start-embedded-server.ts'

/** ksql.authentication, as the config holds it. */
export interface ServerAuthSettings {
  readonly method: 'NONE' | 'BASIC'
  readonly realm: string
  readonly credentialsFile: string
}

/**
 * ksql.authentication → the server's Basic check: BASIC needs a credentials file, read here (paths
 * are relative to `baseDir`, the config file's folder); NONE gives none.
 */
export function loadServerAuth(settings: ServerAuthSettings, baseDir: string): BasicAuth | null {
  const { method, realm, credentialsFile } = settings
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
      const path = isAbsolute(credentialsFile) ? credentialsFile : resolve(baseDir, credentialsFile)
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

/** What `dip ksql server` serves: where, as which service, and on Kafka or in-memory topics. */
export interface KsqlServePlan {
  readonly port: number
  readonly host: string
  readonly serviceId: string
  readonly auth: BasicAuth | null
  /** null: in-memory topics only. */
  readonly brokers: readonly string[] | null
  /** A file under the stack's state dir: the server stops once the stack is gone. */
  readonly stackMarker?: string
}

export interface KsqlServeOptions {
  readonly port?: number
  readonly host?: string
  readonly serviceId?: string
  readonly inMemory?: boolean
  readonly stackMarker?: string
}

/**
 * Options + config → the server's plan: the port of ksql.url (8088 if it names none), loopback, the
 * ksqlDB default service id. Refuses a non-loopback bind without authentication before anything
 * starts: no replay, no Kafka connection for a server that may not listen.
 */
export function planKsqlServe(
  options: KsqlServeOptions,
  config: { readonly ksqlUrl: string; readonly brokers: readonly string[]; readonly auth: BasicAuth | null },
): KsqlServePlan {
  const host = options.host ?? '127.0.0.1'
  assertBindAllowed(host, config.auth)
  return {
    port: options.port ?? Number(new URL(config.ksqlUrl).port || 8088),
    host,
    serviceId: options.serviceId ?? 'default_',
    auth: config.auth,
    brokers: options.inMemory === true ? null : config.brokers,
    ...(options.stackMarker === undefined ? {} : { stackMarker: options.stackMarker }),
  }
}

/** Starts the embedded engine's REST server for a plan; on Kafka it is supervised. */
export async function startKsqlServe(
  plan: KsqlServePlan,
  deps: { readonly createKafka: () => Promise<KafkaPorts>; readonly log: (message: string) => void },
): Promise<EmbeddedServer> {
  const { startEmbeddedServer } = await import('./start-embedded-server.ts')
  const { startSupervisedServer } = await import('./supervised-server.ts')
  const settings = {
    port: plan.port,
    host: plan.host,
    auth: plan.auth,
    serviceId: plan.serviceId,
    // As the lab's docker-compose configures ksqlDB: the processing log is a topic and a stream.
    properties: {
      'ksql.logging.processing.topic.auto.create': 'true',
      'ksql.logging.processing.stream.auto.create': 'true',
    },
    log: deps.log,
  }
  // On Kafka the server rides out broker restarts: it rebuilds in-process, as a restart would.
  return plan.brokers === null
    ? startEmbeddedServer({ ...settings, kafka: null })
    : startSupervisedServer({ ...settings, kafka: await deps.createKafka(), brokers: plan.brokers })
}

/**
 * Serves until `stop` aborts or, with a stack marker, the stack is gone (`onGone` says why), then
 * closes the server.
 */
export async function serveUntilStopped(
  server: EmbeddedServer,
  plan: KsqlServePlan,
  stop: AbortSignal,
  onGone: (reason: string) => void,
): Promise<void> {
  let unwatch: () => void = () => undefined
  let onAbort: () => void = () => undefined
  try {
    await new Promise<void>((resolve) => {
      onAbort = () => resolve()
      if (stop.aborted) resolve()
      stop.addEventListener('abort', onAbort, { once: true })
      if (plan.stackMarker !== undefined)
        unwatch = watchStack({
          marker: plan.stackMarker,
          onGone: (reason) => {
            onGone(reason)
            resolve()
          },
        })
    })
  } finally {
    stop.removeEventListener('abort', onAbort)
    unwatch()
    await server.close()
  }
}
