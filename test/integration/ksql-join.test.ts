import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { createKsqlClient, type KsqlClient } from '../../src/ksql-client/ksql-client.ts'
import { runQuery } from '../../src/ksql-client/ksql-query.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import {
  startEmbeddedServer,
  type EmbeddedServer,
} from '../../src/ksql-engine/kafka-bridge/start-embedded-server.ts'
import {
  generateTransactions,
  serializeTransaction,
  type TransactionEvent,
} from '../../src/produce/generate-transactions.ts'

/**
 * A stream-table LEFT JOIN on the real broker: the lab's generated transactions enriched with a
 * users table filled by INSERT INTO … VALUES. The expected rows are computed here from the events
 * and the inserted users, not by the engine.
 */
const run = `${process.pid}_${Date.now() % 100000}`
const rawTopic = `it-join-transactions-${run}`
const usersTopic = `it-join-users-${run}`
const prefix = `it_join_${run}_`

let ports: KafkaPorts
let server: EmbeddedServer | undefined
let client: KsqlClient

async function pullUntil(sql: string, count: number): Promise<unknown[][]> {
  let rows: unknown[][] = []
  for (let i = 0; i < 240; i++) {
    rows = []
    await runQuery(client.url, sql, {}, { onHeader: () => undefined, onRow: (row) => rows.push([...row]) })
    if (rows.length >= count) return rows
    await sleep(500)
  }
  return rows
}

async function readUntil(topic: string, count: number) {
  let records = await readWholeTopic(ports, topic, `it-join-reader-${run}`)
  for (let i = 0; i < 240 && records.length < count; i++) {
    await sleep(500)
    records = await readWholeTopic(ports, topic, `it-join-reader-${run}`)
  }
  return records
}

async function sendTransactions(events: readonly TransactionEvent[]): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  try {
    await sink.send(events.map((e) => ({ topic: rawTopic, key: null, value: serializeTransaction(e) })))
  } finally {
    await sink.close()
  }
}

async function startServer(): Promise<EmbeddedServer> {
  return startEmbeddedServer({
    port: 0,
    host: '127.0.0.1',
    serviceId: prefix,
    kafka: ports,
    properties: { 'ksql.output.topic.name.prefix': prefix },
  })
}

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-join' })
  const admin = ports.admin()
  // Co-partitioned inputs: both topics have one partition.
  await admin.createTopics([
    { name: rawTopic, partitions: 1 },
    { name: usersTopic, partitions: 1 },
  ])
  await admin.close()
  server = await startServer()
  client = createKsqlClient({ url: server.url })
})

afterAll(async () => {
  await server?.close()
})

describe('stream-table LEFT JOIN on Kafka', () => {
  const events = generateTransactions({ count: 400, seed: 23 })
  const more = generateTransactions({ count: 100, seed: 24 })

  it('enriches every transaction with the user row present when it arrives, NULLs without one', async () => {
    await client.execute(
      `CREATE STREAM tx (transaction_id STRING, user_id STRING, amount DOUBLE) WITH (kafka_topic='${rawTopic}', value_format='JSON');` +
        `CREATE TABLE users (user_id STRING PRIMARY KEY, name STRING, tier INT) WITH (kafka_topic='${usersTopic}', value_format='JSON');` +
        'CREATE STREAM enriched AS SELECT t.user_id, t.transaction_id, t.amount, u.name, u.tier FROM tx t LEFT JOIN users u ON t.user_id = u.user_id;' +
        'CREATE TABLE users_view AS SELECT * FROM users;',
    )
    // Every other distinct user gets a row: the rest must come out with NULL user columns.
    const userIds = [...new Set(events.map((e) => e.user_id))].sort()
    const users = new Map(
      userIds.filter((_, i) => i % 2 === 0).map((id, i) => [id, { name: `name-${id}`, tier: i % 3 }]),
    )
    for (const [id, u] of users) {
      await client.execute(
        `INSERT INTO users (user_id, name, tier) VALUES ('${id}', '${u.name}', ${String(u.tier)});`,
      )
    }
    // The table side is in the server's store before any transaction arrives.
    expect(await pullUntil('SELECT * FROM users_view;', users.size)).toHaveLength(users.size)

    await sendTransactions(events)

    const records = await readUntil(`${prefix}ENRICHED`, events.length)
    const got = records
      .map((r) => ({
        key: r.key?.toString('utf8') ?? null,
        value: JSON.parse(r.value?.toString('utf8') ?? 'null') as Record<string, unknown>,
      }))
      .sort((a, b) => String(a.value['TRANSACTION_ID']).localeCompare(String(b.value['TRANSACTION_ID'])))
    const expected = events
      .map((e) => ({
        key: e.user_id,
        value: {
          TRANSACTION_ID: e.transaction_id,
          AMOUNT: e.amount,
          NAME: users.get(e.user_id)?.name ?? null,
          TIER: users.get(e.user_id)?.tier ?? null,
        },
      }))
      .sort((a, b) => a.value.TRANSACTION_ID.localeCompare(b.value.TRANSACTION_ID))
    expect(got).toEqual(expected)
    expect(expected.some((r) => r.value.NAME === null)).toBe(true)
    expect(expected.some((r) => r.value.NAME !== null)).toBe(true)

    // After a restart the join's table store is rebuilt from the users topic (no user is inserted
    // again): later transactions are still enriched, and nothing earlier is written twice.
    await server?.close()
    server = await startServer()
    client = createKsqlClient({ url: server.url })
    // The rebuild re-reads the input topics in the consumer's fetch order, not by timestamp: let it
    // reach the users before the new transactions exist.
    expect(await pullUntil('SELECT * FROM users_view;', users.size)).toHaveLength(users.size)
    await sendTransactions(more)
    const after = await readUntil(`${prefix}ENRICHED`, events.length + more.length)
    expect(after).toHaveLength(events.length + more.length)
    const later = after
      .slice(events.length)
      .map((r) => JSON.parse(r.value?.toString('utf8') ?? 'null') as Record<string, unknown>)
      .map((v) => [v['TRANSACTION_ID'], v['NAME']])
    expect(later).toEqual(more.map((e) => [e.transaction_id, users.get(e.user_id)?.name ?? null]))
    expect(later.some(([, name]) => name !== null)).toBe(true)
  })
})
