import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProducedRecord } from '../../src/kafka/ports.ts'
import {
  eventTime,
  generateTransactions,
  serializeTransaction,
  type TransactionEvent,
} from '../../src/produce/generate-transactions.ts'
import { startJoinServer, type JoinServer } from './helpers/join-server.ts'

/**
 * A stream-stream JOIN … WITHIN 1 HOUR on the real broker: the lab's generated transactions (at
 * their event time) joined with a second stream of logins by the same users. Both topics are
 * unkeyed, so the join re-keys both sides by user_id. The expected rows are computed here from
 * the records sent (every transaction/login pair of one user at most an hour apart, at the later
 * of the two times), not by the engine.
 */
const HOUR = 60 * 60 * 1000

interface Login {
  readonly user_id: string
  readonly session_id: string
  readonly time: number
}

let join: JoinServer<'transactions' | 'logins'>

const txRecord = (e: TransactionEvent): ProducedRecord => ({
  topic: join.topics.transactions,
  key: null,
  value: serializeTransaction(e),
  timestamp: eventTime(e),
})

const loginRecord = (l: Login): ProducedRecord => ({
  topic: join.topics.logins,
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
  const records = await join.readUntil(`${join.prefix}TX_LOGINS`, count)
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
  const counted = (rows: readonly unknown[][]) => rows.reduce((sum, row) => sum + Number(row[1]), 0)
  return counted(await join.pullUntil(`SELECT * FROM ${table};`, (rows) => counted(rows) >= total))
}

beforeAll(async () => {
  join = await startJoinServer('ssjoin', ['transactions', 'logins'])
})

afterAll(async () => {
  await join?.close()
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
    const { topics } = join
    await join.client.execute(
      `CREATE STREAM tx (transaction_id STRING, user_id STRING, amount DOUBLE) WITH (kafka_topic='${topics.transactions}', value_format='JSON');` +
        `CREATE STREAM logins (user_id STRING, session_id STRING) WITH (kafka_topic='${topics.logins}', value_format='JSON');` +
        'CREATE STREAM tx_logins AS SELECT t.user_id AS user_id, t.transaction_id AS transaction_id, t.amount AS amount, l.session_id AS session_id FROM tx t JOIN logins l WITHIN 1 HOUR ON t.user_id = l.user_id;' +
        'CREATE TABLE tx_seen AS SELECT user_id, COUNT(*) AS n FROM tx GROUP BY user_id;' +
        'CREATE TABLE logins_seen AS SELECT user_id, COUNT(*) AS n FROM logins GROUP BY user_id;',
    )
    await join.send(events.map(txRecord))
    await join.send(logins.map(loginRecord))

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
    await join.restart()
    expect(await countedUntil('tx_seen', events.length)).toBe(events.length)
    expect(await countedUntil('logins_seen', logins.length)).toBe(logins.length)
    await join.send(laterLogins.map(loginRecord))

    const all = expectedRows(events, [...logins, ...laterLogins])
    expect(all.length).toBeGreaterThan(expected.length)
    expect(await joinedRows(all.length)).toEqual(all)
  })
})
