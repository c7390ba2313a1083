import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { createInMemoryBroker, type InMemoryBroker } from '../../kafka/in-memory-broker.ts'
import { createEngine } from '../engine.ts'
import { startKsqlServer, type RunningKsqlServer } from '../server/ksql-server.ts'
import { commandTopicName } from './command-log.ts'
import { createKafkaBackend, type KafkaBackend } from './kafka-backend.ts'

let running: { backend: KafkaBackend; server: RunningKsqlServer } | undefined

afterEach(async () => {
  await stop()
})

async function stop(): Promise<void> {
  await running?.server.close()
  await running?.backend.stop()
  running = undefined
}

async function start(broker: InMemoryBroker, engine = createEngine()) {
  const backend = createKafkaBackend({ engine, ports: broker, serviceId: 'default_' })
  const { replayedCommands } = await backend.start()
  const server = await startKsqlServer({ backend, port: 0 })
  running = { backend, server }
  return { replayedCommands, url: server.url }
}

async function ksql(url: string, sql: string, properties: Record<string, string> = {}): Promise<unknown[]> {
  const response = await fetch(`${url}/ksql`, {
    method: 'POST',
    body: JSON.stringify({
      ksql: sql,
      streamsProperties: { 'auto.offset.reset': 'earliest', ...properties },
    }),
  })
  const body = (await response.json()) as unknown[]
  expect(response.status, JSON.stringify(body)).toBe(200)
  return body
}

async function pull(url: string, sql: string): Promise<unknown[][]> {
  const response = await fetch(`${url}/query-stream`, { method: 'POST', body: JSON.stringify({ sql }) })
  const lines = (await response.text()).trim().split('\n').slice(1)
  return lines.map((l) => JSON.parse(l) as unknown[])
}

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  let value = await read()
  for (let i = 0; i < 200 && !done(value); i++) {
    await sleep(10)
    value = await read()
  }
  return value
}

function produce(broker: InMemoryBroker, values: readonly object[]): Promise<void> {
  return broker.sink().send(values.map((v) => ({ topic: 'clicks', key: null, value: JSON.stringify(v) })))
}

const STATEMENTS = `
CREATE STREAM clicks (user VARCHAR, n INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');
CREATE TABLE per_user AS SELECT user, COUNT(*) AS c, SUM(n) AS total FROM clicks GROUP BY user;`

describe('Kafka bridge', () => {
  it('moves records through the engine, keeps commands, and continues after a restart without duplicates', async () => {
    const broker = createInMemoryBroker({ topics: { clicks: 2 } })
    await produce(broker, [
      { user: 'a', n: 1 },
      { user: 'b', n: 2 },
      { user: 'a', n: 3 },
    ])
    let { url } = await start(broker)
    await ksql(url, STATEMENTS)
    // Sink topic created with the source's partitions, filled with the engine's bytes.
    const sinkRecords = await eventually(
      () => broker.records('PER_USER'),
      (r) => r.length === 3,
    )
    expect(sinkRecords.map((r) => r.key?.toString())).toEqual(expect.arrayContaining(['a', 'b']))
    expect(await pull(url, "SELECT * FROM per_user WHERE user = 'a';")).toEqual([['a', 2, 4]])
    expect(broker.records(commandTopicName('default_'))).toHaveLength(1)

    // INSERT VALUES goes to Kafka once and is counted once (not again when it is read back).
    await ksql(url, "INSERT INTO clicks (user, n) VALUES ('b', 10);")
    await eventually(
      () => pull(url, "SELECT * FROM per_user WHERE user = 'b';"),
      (rows) => rows[0]?.[1] === 2,
    )
    await sleep(50)
    expect(broker.records('clicks')).toHaveLength(4)
    expect(await pull(url, "SELECT * FROM per_user WHERE user = 'b';")).toEqual([['b', 2, 12]])
    const sinkBefore = (
      await eventually(
        () => broker.records('PER_USER'),
        (r) => r.length === 4,
      )
    ).length

    await stop()
    const restarted = await start(broker)
    url = restarted.url
    expect(restarted.replayedCommands).toBe(1)
    await produce(broker, [{ user: 'a', n: 5 }])
    const rows = await eventually(
      () => pull(url, "SELECT * FROM per_user WHERE user = 'a';"),
      (r) => r[0]?.[1] === 3,
    )
    expect(rows).toEqual([['a', 3, 9]])
    expect(await pull(url, "SELECT * FROM per_user WHERE user = 'b';")).toEqual([['b', 2, 12]])
    // Only the new update was written: state was rebuilt with its output suppressed.
    const after = await eventually(
      () => broker.records('PER_USER'),
      (r) => r.length > sinkBefore,
    )
    expect(after).toHaveLength(sinkBefore + 1)
    expect(broker.committed('_confluent-ksql-default_query_dip_bridge', 'clicks').length).toBeGreaterThan(0)
  })

  it("rebuilds a query created with 'latest' from where it started, not from the topic's beginning", async () => {
    const broker = createInMemoryBroker({ topics: { clicks: 1 } })
    const engine = createEngine()
    let { url } = await start(broker, engine)
    await ksql(
      url,
      "CREATE STREAM clicks (user VARCHAR, n INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');",
    )
    await produce(broker, [
      { user: 'a', n: 1 },
      { user: 'a', n: 2 },
    ])
    await eventually(
      () => engine.endOffsets('clicks'),
      (ends) => ends[0] === 2,
    )
    // Created with 'latest' (ksqlDB's default): the two clicks above are not counted.
    await ksql(url, 'CREATE TABLE late AS SELECT user, COUNT(*) AS c FROM clicks GROUP BY user;', {
      'auto.offset.reset': 'latest',
    })
    await produce(broker, [{ user: 'a', n: 3 }])
    expect(
      await eventually(
        () => pull(url, 'SELECT * FROM late;'),
        (rows) => rows.length > 0,
      ),
    ).toEqual([['a', 1]])

    await stop()
    url = (await start(broker)).url
    await produce(broker, [{ user: 'a', n: 4 }])
    const rows = await eventually(
      () => pull(url, 'SELECT * FROM late;'),
      (r) => r[0]?.[1] !== 1 && r.length > 0,
    )
    expect(rows).toEqual([['a', 2]])
  })

  it('keeps few records in memory: a later query reads the older ones from Kafka, tables stay whole', async () => {
    const broker = createInMemoryBroker({ topics: { clicks: 1 } })
    const engine = createEngine({ retainRecords: 2, tablesLatestPerKey: true })
    const { url } = await start(broker, engine)
    await ksql(
      url,
      "CREATE STREAM clicks (user VARCHAR, n INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');",
    )
    await produce(
      broker,
      Array.from({ length: 30 }, (_, i) => ({ user: `u${i % 3}`, n: i })),
    )
    await eventually(
      () => engine.endOffsets('clicks'),
      (ends) => ends[0] === 30,
    )
    expect(engine.records('clicks').length).toBeLessThanOrEqual(2)
    // Created after the engine consumed (and dropped) most clicks: it sees all 30 through Kafka.
    await ksql(url, 'CREATE TABLE per_user AS SELECT user, COUNT(*) AS c FROM clicks GROUP BY user;')
    expect(await pull(url, 'SELECT * FROM per_user;')).toEqual([
      ['u0', 10],
      ['u1', 10],
      ['u2', 10],
    ])
    // The table's topic keeps one record per key; its Kafka topic has every update, written once.
    expect(engine.records('PER_USER')).toHaveLength(3)
    expect(broker.records('PER_USER')).toHaveLength(30)
  })

  it("sends a cached table's last update per key of each batch only, when its query asks for the record cache", async () => {
    const broker = createInMemoryBroker({ topics: { clicks: 1 } })
    const { url } = await start(broker)
    await ksql(
      url,
      "CREATE STREAM clicks (user VARCHAR, n INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');",
    )
    await ksql(
      url,
      "SET 'cache.max.bytes.buffering'='10000000'; CREATE TABLE per_user AS SELECT user, COUNT(*) AS c FROM clicks GROUP BY user;",
    )
    await produce(
      broker,
      Array.from({ length: 30 }, (_, i) => ({ user: `u${i % 3}`, n: i })),
    )
    const updates = await eventually(
      () => broker.records('PER_USER'),
      (records) => records.filter((r) => String(r.value).includes('"C":10')).length === 3,
    )
    // One batch: one update per user, each with the final count.
    expect(updates.map((r) => `${String(r.key)} ${String(r.value)}`).sort()).toEqual([
      'u0 {"C":10}',
      'u1 {"C":10}',
      'u2 {"C":10}',
    ])
  })
})
