import type { KafkaPorts } from '../../kafka/ports.ts'
import { createEngine, type EmbeddedEngine } from '../engine.ts'
import { inMemoryBackend } from '../server/ksql-backend.ts'
import { assertBindAllowed, type BasicAuth } from '../server/basic-auth.ts'
import { startKsqlServer, type RunningKsqlServer } from '../server/ksql-server.ts'
import { createKafkaBackend, type KafkaBackend } from './kafka-backend.ts'

export interface EmbeddedServerOptions {
  readonly port: number
  readonly host: string
  readonly serviceId: string
  /** null: in-memory topics only (nothing persists). */
  readonly kafka: KafkaPorts | null
  readonly log?: (message: string) => void
  /** Server-level engine properties, e.g. ksql.output.topic.name.prefix. */
  readonly properties?: Readonly<Record<string, string>>
  /** The bridge gave up on Kafka: the process should stop (a restart rebuilds from Kafka). */
  readonly onFatal?: (error: unknown) => void
  /** Whether the broker accepts connections now (for /healthcheck); default: always. */
  readonly brokerReachable?: () => boolean
  /**
   * On Kafka: the newest records each stream's topic keeps in memory for pull and push queries
   * (tables keep their newest record per key; everything else is in Kafka). Default 1,000.
   */
  readonly retainRecords?: number
  /** HTTP Basic authentication of the REST API (required unless `host` is a loopback address). */
  readonly auth?: BasicAuth | null
}

/** Enough for a look at a stream's latest rows; a long-running server's memory stays flat. */
export const DEFAULT_RETAINED_RECORDS = 1000

export interface EmbeddedServer extends RunningKsqlServer {
  readonly replayedCommands: number
}

/** Processing-log entries shown per query on the server's log before it only counts them. */
const LOGGED_ENTRIES_PER_QUERY = 10

/**
 * Tells the server's log about records queries skipped (ksqlDB's processing logger also writes to
 * the server log): the first few per query, then where the rest are.
 */
function logProcessingErrors(engine: EmbeddedEngine, log: (message: string) => void, topic: string): void {
  const counts = new Map<string, number>()
  engine.onProcessingLog((entry) => {
    const count = (counts.get(entry.queryId) ?? 0) + 1
    counts.set(entry.queryId, count)
    if (count <= LOGGED_ENTRIES_PER_QUERY)
      log(
        `query ${entry.queryId}: record ${entry.topic}/${entry.partition}@${entry.offset} ` +
          `${entry.kind === 'deserialization' ? 'could not be read' : 'failed'}: ${entry.message}` +
          (count === LOGGED_ENTRIES_PER_QUERY
            ? ` (further errors of this query: processing log ${topic})`
            : ''),
      )
  })
}

function serverProperties(options: EmbeddedServerOptions): Readonly<Record<string, string>> {
  return { ...options.properties, 'ksql.service.id': options.serviceId }
}

function processingLogTopic(properties: Readonly<Record<string, string>>): string {
  return (
    properties['ksql.logging.processing.topic.name'] ??
    `${properties['ksql.service.id'] ?? 'default_'}ksql_processing_log`
  )
}

/** The engine + (optionally) the Kafka bridge + the REST server, started in that order. */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  // Before the command topic is replayed: a server that may not listen should not start at all.
  assertBindAllowed(options.host, options.auth ?? null)
  const properties = serverProperties(options)
  if (options.kafka === null) {
    // Nothing persists anywhere else: the engine keeps every record.
    const engine = createEngine({ properties })
    if (options.log !== undefined) logProcessingErrors(engine, options.log, processingLogTopic(properties))
    const server = await startKsqlServer({
      backend: inMemoryBackend(engine),
      port: options.port,
      host: options.host,
      serviceId: options.serviceId,
      auth: options.auth ?? null,
    })
    return { ...server, replayedCommands: 0 }
  }
  const { backend, replayedCommands } = await startKafkaBridge({ ...options, kafka: options.kafka })
  return serveBridge(backend, replayedCommands, options)
}

/** A fresh engine on Kafka: the command topic replayed, state rebuilt from the committed offsets. */
export async function startKafkaBridge(
  options: EmbeddedServerOptions & { readonly kafka: KafkaPorts },
): Promise<{ backend: KafkaBackend; replayedCommands: number }> {
  const properties = serverProperties(options)
  const engine = createEngine({
    properties,
    retainRecords: options.retainRecords ?? DEFAULT_RETAINED_RECORDS,
    tablesLatestPerKey: true,
  })
  if (options.log !== undefined) logProcessingErrors(engine, options.log, processingLogTopic(properties))
  const backend = createKafkaBackend({
    engine,
    ports: options.kafka,
    serviceId: options.serviceId,
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.onFatal === undefined ? {} : { onFatal: options.onFatal }),
    ...(options.brokerReachable === undefined ? {} : { brokerReachable: options.brokerReachable }),
  })
  try {
    const { replayedCommands } = await backend.start()
    return { backend, replayedCommands }
  } catch (error) {
    await backend.stop().catch(() => undefined)
    throw error
  }
}

/** The REST server over a started bridge; closing it stops the bridge too. */
export async function serveBridge(
  backend: KafkaBackend,
  replayedCommands: number,
  options: Pick<EmbeddedServerOptions, 'port' | 'host' | 'serviceId' | 'auth'>,
): Promise<EmbeddedServer> {
  let server: RunningKsqlServer
  try {
    server = await startKsqlServer({
      backend,
      port: options.port,
      host: options.host,
      serviceId: options.serviceId,
      auth: options.auth ?? null,
    })
  } catch (error) {
    await backend.stop()
    throw error
  }
  return {
    url: server.url,
    port: server.port,
    replayedCommands,
    async close() {
      await server.close()
      await backend.stop()
    },
  }
}
