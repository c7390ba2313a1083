import { setTimeout as sleep } from 'node:timers/promises'
import { inject } from 'vitest'
import { createKafkaPorts } from '../../../src/kafka/kafkajs-client.ts'
import type { ConsumedRecord, KafkaPorts, ProducedRecord } from '../../../src/kafka/ports.ts'
import { createKsqlClient, type KsqlClient } from '../../../src/ksql-client/ksql-client.ts'
import { runQuery } from '../../../src/ksql-client/ksql-query.ts'
import { readWholeTopic } from '../../../src/ksql-engine/kafka-bridge/read-topic.ts'
import {
  startEmbeddedServer,
  type EmbeddedServer,
} from '../../../src/ksql-engine/kafka-bridge/start-embedded-server.ts'

/**
 * What the join tests share: input topics of one partition each (co-partitioned), named for this
 * run, an embedded ksqlDB server on the real broker whose sink topics carry this run's prefix, and
 * the polls that wait for the server's asynchronous output. Only the statements and the oracle
 * differ from test to test.
 */
export interface JoinServer<Input extends string> {
  readonly ports: KafkaPorts
  /** `<prefix><NAME>` is the topic of the query writing to NAME. */
  readonly prefix: string
  /** The topic of each input, unique to this run. */
  readonly topics: Readonly<Record<Input, string>>
  /** The client of the server now running (a restart gives a new one). */
  readonly client: KsqlClient
  /** Stops the server and starts it again on the same topics and service id. */
  restart(): Promise<void>
  close(): Promise<void>
  /** Writes `records` with an idempotent producer. */
  send(records: readonly ProducedRecord[]): Promise<void>
  /** Reads `topic` (read_committed) until it holds `count` records or the wait is spent. */
  readUntil(topic: string, count: number): Promise<ConsumedRecord[]>
  /** Runs the pull query `sql` until `done` holds for its rows or the wait is spent. */
  pullUntil(sql: string, done: (rows: readonly unknown[][]) => boolean): Promise<unknown[][]>
}

/** How long a poll waits for the server's output before the test fails on what it has. */
const WAIT_MS = 120_000
/** How soon a poll sees new output: reading a topic joins a consumer group, so not much below. */
const POLL_MS = 250

/** Starts the server for the join test `name` (e.g. `join` → topics `it-join-<input>-<run>`). */
export async function startJoinServer<const Input extends string>(
  name: string,
  inputs: readonly Input[],
): Promise<JoinServer<Input>> {
  const run = `${process.pid}_${Date.now() % 100000}`
  const prefix = `it_${name}_${run}_`
  const topics = Object.fromEntries(inputs.map((input) => [input, `it-${name}-${input}-${run}`])) as Record<
    Input,
    string
  >
  const ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: `dip-it-${name}` })
  const admin = ports.admin()
  try {
    await admin.createTopics(Object.values<string>(topics).map((topic) => ({ name: topic, partitions: 1 })))
  } finally {
    await admin.close()
  }
  const start = (): Promise<EmbeddedServer> =>
    startEmbeddedServer({
      port: 0,
      host: '127.0.0.1',
      serviceId: prefix,
      kafka: ports,
      properties: { 'ksql.output.topic.name.prefix': prefix },
    })
  let server: EmbeddedServer | undefined = await start()
  let client = createKsqlClient({ url: server.url })
  const polled = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const deadline = Date.now() + WAIT_MS
    let value = await read()
    while (!done(value) && Date.now() < deadline) {
      await sleep(POLL_MS)
      value = await read()
    }
    return value
  }
  return {
    ports,
    prefix,
    topics,
    get client() {
      return client
    },
    async restart() {
      await server?.close()
      server = undefined
      server = await start()
      client = createKsqlClient({ url: server.url })
    },
    async close() {
      await server?.close()
      server = undefined
    },
    async send(records) {
      const sink = ports.sink({ idempotent: true })
      try {
        await sink.send(records)
      } finally {
        await sink.close()
      }
    },
    readUntil: (topic, count) =>
      polled(
        () => readWholeTopic(ports, topic, `it-${name}-reader-${run}`),
        (records) => records.length >= count,
      ),
    pullUntil: (sql, done) =>
      polled(async () => {
        const rows: unknown[][] = []
        await runQuery(
          client.url,
          sql,
          {},
          { onHeader: () => undefined, onRow: (row) => rows.push([...row]) },
        )
        return rows
      }, done),
  }
}
