import { setTimeout as sleep } from 'node:timers/promises'
import type { KafkaPorts } from '../../../src/kafka/ports.ts'
import { readWholeTopic } from '../../../src/ksql-engine/kafka-bridge/read-topic.ts'
import {
  startEmbeddedServer,
  type EmbeddedServer,
} from '../../../src/ksql-engine/kafka-bridge/start-embedded-server.ts'

/** An embedded ksqlDB server on the real broker, with what its fatal hook and log reported. */
export interface ServerUnderTest {
  readonly server: EmbeddedServer
  /** Errors the bridge gave up on: the CLI would have stopped the server on the first one. */
  readonly fatal: unknown[]
  readonly log: string[]
}

export async function startServerUnderTest(
  ports: KafkaPorts,
  serviceId: string,
  properties: Readonly<Record<string, string>> = {},
): Promise<ServerUnderTest> {
  const fatal: unknown[] = []
  const log: string[] = []
  const server = await startEmbeddedServer({
    port: 0,
    host: '127.0.0.1',
    serviceId,
    kafka: ports,
    properties,
    log: (message) => log.push(message),
    onFatal: (error) => fatal.push(error),
  })
  return { server, fatal, log }
}

export interface KsqlAnswer {
  readonly status: number
  readonly body: unknown
}

/** POST /ksql, with whatever status ksqlDB answers. */
export async function postKsql(
  url: string,
  sql: string,
  streamsProperties: Readonly<Record<string, string>> = {},
): Promise<KsqlAnswer> {
  const response = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties }),
  })
  return { status: response.status, body: await response.json() }
}

/** POST /ksql that must succeed. */
export async function ksqlOk(
  url: string,
  sql: string,
  streamsProperties: Readonly<Record<string, string>> = {},
): Promise<unknown[]> {
  const answer = await postKsql(url, sql, streamsProperties)
  if (answer.status !== 200) throw new Error(`${sql} → ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body as unknown[]
}

export interface QuerySummary {
  readonly id: string
  readonly state: string
  readonly sinks: readonly string[]
  readonly sinkKafkaTopics: readonly string[]
  readonly statusCount?: Readonly<Record<string, number>>
  readonly queryErrors?: readonly { readonly errorMessage: string; readonly type: string }[]
}

export async function showQueries(url: string): Promise<QuerySummary[]> {
  const [entity] = (await ksqlOk(url, 'SHOW QUERIES;')) as { queries: QuerySummary[] }[]
  return entity?.queries ?? []
}

/** GET /info answers RUNNING. */
export async function serverAnswers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/info`)
  const body = (await response.json()) as { KsqlServerInfo?: { serverStatus?: string } }
  return response.status === 200 && body.KsqlServerInfo?.serverStatus === 'RUNNING'
}

/**
 * Reads a topic (read_committed) until `done` holds or the attempts are spent: the server
 * processes and commits asynchronously. Returns the last read.
 */
export async function readTopicUntil(
  ports: KafkaPorts,
  topic: string,
  group: string,
  done: (values: string[]) => boolean,
  attempts = 60,
): Promise<string[]> {
  let values: string[] = []
  for (let i = 0; i < attempts; i++) {
    values = (await readWholeTopic(ports, topic, group)).map((r) => r.value?.toString('utf8') ?? '')
    if (done(values)) return values
    await sleep(500)
  }
  return values
}

export async function produceValues(
  ports: KafkaPorts,
  topic: string,
  values: readonly (string | null)[],
): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  try {
    await sink.send(values.map((value) => ({ topic, key: null, value })))
  } finally {
    await sink.close()
  }
}
