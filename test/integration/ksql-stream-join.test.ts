import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts, ProducedRecord } from '../../src/kafka/ports.ts'
import { createKsqlClient, type KsqlClient } from '../../src/ksql-client/ksql-client.ts'
import { runQuery } from '../../src/ksql-client/ksql-query.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import {
  startEmbeddedServer,
  type EmbeddedServer,
} from '../../src/ksql-engine/kafka-bridge/start-embedded-server.ts'
import {
  eventTime,
  generateTransactions,
  serializeTransaction,
  type TransactionEvent,
} from '../../src/produce/generate-transactions.ts'

/**
 * A stream-stream JOIN … WITHIN 1 HOUR on the real broker: the lab's generated transactions (at
 * their event time) joined with a second stream of logins by the same users. Both topics are
 * unkeyed, so the join re-keys both sides by user_id. The expected rows are computed here from
 * the records sent (every transaction/login pair of one user at most an hour apart, at the later
 * of the two times), not by the engine.
 */
const run = `${process.pid}_${Date.now() % 100000}`
const txTopic = `it-ssjoin-transactions-${run}`
const loginTopic = `it-ssjoin-logins-${run}`
const prefix = `it_ssjoin_${run}_`
const HOUR = 60 * 60 * 1000

interface Login {
  readonly user_id: string
  readonly session_id: string
  readonly time: number
}

let ports: KafkaPorts
let server: EmbeddedServer | undefined
let client: KsqlClient

async function startServer(): Promise<EmbeddedServer> {
  return startEmbeddedServer({
    port: 0,
    host: '127.0.0.1',
    serviceId: prefix,
    kafka: ports,
    properties: { 'ksql.output.topic.name.prefix': prefix },
  })
}

async function send(records: ProducedRecord[]): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  try {
    await sink.send(records)
  } finally {
    await sink.close()
  }
}

const txRecord = (e: TransactionEvent): ProducedRecord => ({
  topic: txTopic,
  key: null,
  value: serializeTransaction(e),
  timestamp: eventTime(e),
})

const loginRecord = (l: Login): ProducedRecord => ({
  topic: loginTopic,
  key: null,
  value: Buffer.from(JSON.stringify({ user_id: l.user_id, session_id: l.session_id })),
  timestamp: l.time,
})

/** Logins near some transactions' times, on both sides of the window bounds, and a few unrelated. */
function loginsFor(events: readonly TransactionEvent[], tag: string): Login[] {
  const offsets = [-2 * HOUR, -HOUR, -50 * 60_000, 0, 30 * 60_000, HOUR, HOUR + 1, 3 * HOUR]
  return events.flatMap((e, i) =>
    i % 3 === 0
      ? [
          {
            user_id: e.user_id,
            session_id: `${tag}-${String(i)}`,
            time: eventTime(e) + (offsets[i % offsets.length] as number),
          },
        ]
      : [],
  )
}

interface Row {
  readonly key: string
  readonly value: { readonly TRANSACTION_ID: string; readonly AMOUNT: number; readonly SESSION_ID: string }
  readonly timestamp: number
}

/** The join's rows as ksqlDB defines them, from the records alone. */
function expectedRows(events: readonly TransactionEvent[], logins: readonly Login[]): Row[] {
  return events
    .flatMap((e) =>
      logins
        .filter((l) => l.user_id === e.user_id && Math.abs(l.time - eventTime(e)) <= HOUR)
        .map((l) => ({
          key: e.user_id,
          value: { TRANSACTION_ID: e.transaction_id, AMOUNT: e.amount, SESSION_ID: l.session_id },
          timestamp: Math.max(eventTime(e), l.time),
        })),
    )
    .sort(byPair)
}

function byPair(a: Row, b: Row): number {
  return (
    a.value.TRANSACTION_ID.localeCompare(b.value.TRANSACTION_ID) ||
    a.value.SESSION_ID.localeCompare(b.value.SESSION_ID)
  )
}

async function joinedRows(count: number): Promise<Row[]> {
  const topic = `${prefix}TX_LOGINS`
  let records = await readWholeTopic(ports, topic, `it-ssjoin-reader-${run}`)
  for (let i = 0; i < 240 && records.length < count; i++) {
    await sleep(500)
    records = await readWholeTopic(ports, topic, `it-ssjoin-reader-${run}`)
  }
  return records
    .map((r) => ({
      key: r.key?.toString('utf8') ?? '',
      value: JSON.parse(r.value?.toString('utf8') ?? 'null') as Row['value'],
      timestamp: r.timestamp,
    }))
    .sort(byPair)
}

/** Waits until a per-user COUNT table has counted `total` records (the server read them all). */
async function countedUntil(table: string, total: number): Promise<number> {
  let sum = 0
  for (let i = 0; i < 240; i++) {
    sum = 0
    await runQuery(
      client.url,
      `SELECT * FROM ${table};`,
      {},
      { onHeader: () => undefined, onRow: (row) => (sum += Number(row[1])) },
    )
    if (sum >= total) return sum
    await sleep(500)
  }
  return sum
}

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-ssjoin' })
  const admin = ports.admin()
  await admin.createTopics([
    { name: txTopic, partitions: 1 },
    { name: loginTopic, partitions: 1 },
  ])
  await admin.close()
  server = await startServer()
  client = createKsqlClient({ url: server.url })
})

afterAll(async () => {
  await server?.close()
})

describe('stream-stream JOIN WITHIN on Kafka', () => {
  // Twelve hours of events: with the window's default retention (one day) nothing expires, so the
  // result does not depend on how the two topics' records interleave. They end 4 hours ago: records
  // older than the broker's retention (7 days) would be deleted before they are read, and it refuses
  // timestamps more than an hour ahead (logins go up to 3 hours after a transaction).
  const events = generateTransactions({ count: 300, seed: 41, spreadDays: 0.5, now: Date.now() - 4 * HOUR })
  const logins = loginsFor(events, 'a')
  const laterLogins = loginsFor(events.slice(1), 'b')

  it('joins each transaction with its user’s logins within an hour, and keeps its windows over a restart', async () => {
    await client.execute(
      `CREATE STREAM tx (transaction_id STRING, user_id STRING, amount DOUBLE) WITH (kafka_topic='${txTopic}', value_format='JSON');` +
        `CREATE STREAM logins (user_id STRING, session_id STRING) WITH (kafka_topic='${loginTopic}', value_format='JSON');` +
        'CREATE STREAM tx_logins AS SELECT t.user_id AS user_id, t.transaction_id AS transaction_id, t.amount AS amount, l.session_id AS session_id FROM tx t JOIN logins l WITHIN 1 HOUR ON t.user_id = l.user_id;' +
        'CREATE TABLE tx_seen AS SELECT user_id, COUNT(*) AS n FROM tx GROUP BY user_id;' +
        'CREATE TABLE logins_seen AS SELECT user_id, COUNT(*) AS n FROM logins GROUP BY user_id;',
    )
    await send(events.map(txRecord))
    await send(logins.map(loginRecord))

    const expected = expectedRows(events, logins)
    expect(expected.length).toBeGreaterThan(50)
    // The window bounds are inclusive: logins exactly an hour away join, one millisecond more do not.
    const apart = (r: Row): number =>
      Math.abs(
        (logins.find((l) => l.session_id === r.value.SESSION_ID)?.time ?? 0) -
          eventTime(events.find((e) => e.transaction_id === r.value.TRANSACTION_ID) as TransactionEvent),
      )
    expect(expected.some((r) => apart(r) === HOUR)).toBe(true)
    expect(await joinedRows(expected.length)).toEqual(expected)

    // A restart rebuilds both window stores from the input topics; once the server has read them
    // again, new logins join transactions sent before the restart, and no pair is written twice.
    await server?.close()
    server = await startServer()
    client = createKsqlClient({ url: server.url })
    expect(await countedUntil('tx_seen', events.length)).toBe(events.length)
    expect(await countedUntil('logins_seen', logins.length)).toBe(logins.length)
    await send(laterLogins.map(loginRecord))

    const all = expectedRows(events, [...logins, ...laterLogins])
    expect(all.length).toBeGreaterThan(expected.length)
    expect(await joinedRows(all.length)).toEqual(all)
  })
})
