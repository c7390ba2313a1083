import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateTransactions, serializeTransaction } from '../../src/produce/generate-transactions.ts'
import { startJoinServer, type JoinServer } from './helpers/join-server.ts'

/**
 * Issue 13's acceptance joins on the real broker and the real embedded server: the lab's generated
 * transactions and a users table, joined as a stream-table LEFT JOIN, an INNER stream-table JOIN,
 * a table-table JOIN of a per-user aggregate with the users table, and a foreign-key LEFT JOIN of
 * the latest row per transaction with its buyer. Every expected row is
 * recomputed here in plain code from the records consumed back from the two input topics, with
 * ksqlDB's semantics: a transaction sees the user row present when it arrives (all users are
 * written before any transaction), LEFT keeps unmatched transactions with NULL user columns,
 * INNER drops them, and the aggregate join follows each user's running totals.
 */
let join: JoinServer<'tx' | 'users'>

interface RawTransaction {
  readonly transaction_id: string
  readonly user_id: string
  readonly amount: number
}
interface RawUser {
  readonly name: string
  readonly tier: number
}

async function pullCount(sql: string, count: number): Promise<number> {
  return (await join.pullUntil(sql, (rows) => rows.length >= count)).length
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))
const json = (b: Buffer | null): Record<string, unknown> | null =>
  b === null ? null : (JSON.parse(b.toString('utf8')) as Record<string, unknown>)

beforeAll(async () => {
  join = await startJoinServer('joinacc', ['tx', 'users'])
})

afterAll(async () => {
  await join?.close()
})

describe("joins on the lab's events give ksqlDB's rows", () => {
  const events = generateTransactions({ count: 300, seed: 31 })

  it('stream-table LEFT and INNER joins, a table-table join of per-user totals with users, a foreign-key join', async () => {
    // Users first: every other distinct user of the events gets a row, as a producer would write it.
    const { prefix, topics } = join
    const userIds = [...new Set(events.map((e) => e.user_id))].sort()
    await join.send(
      userIds
        .filter((_, i) => i % 2 === 0)
        .map((id, i) => ({
          topic: topics.users,
          key: id,
          value: JSON.stringify({ name: `name-${id}`, tier: i % 3 }),
        })),
    )
    const userCount = Math.ceil(userIds.length / 2)

    await join.client.execute(
      `CREATE STREAM tx (transaction_id STRING, user_id STRING, amount DOUBLE) WITH (kafka_topic='${topics.tx}', value_format='JSON');` +
        `CREATE TABLE users (user_id STRING PRIMARY KEY, name STRING, tier INT) WITH (kafka_topic='${topics.users}', value_format='JSON');` +
        'CREATE TABLE users_view AS SELECT * FROM users;' +
        'CREATE STREAM enriched_left AS SELECT t.user_id, t.transaction_id, t.amount, u.name, u.tier FROM tx t LEFT JOIN users u ON t.user_id = u.user_id;' +
        'CREATE STREAM enriched_inner AS SELECT t.user_id, t.transaction_id, t.amount, u.name FROM tx t JOIN users u ON t.user_id = u.user_id;' +
        'CREATE TABLE user_totals AS SELECT user_id, COUNT(*) AS tx_count, SUM(amount) AS total FROM tx GROUP BY user_id;' +
        'CREATE TABLE totals_named AS SELECT tt.user_id, tx_count, total, name, tier FROM user_totals tt JOIN users u ON tt.user_id = u.user_id;' +
        'CREATE TABLE tx_latest AS SELECT transaction_id, LATEST_BY_OFFSET(user_id) AS buyer, LATEST_BY_OFFSET(amount) AS amount FROM tx GROUP BY transaction_id;' +
        'CREATE TABLE tx_buyer AS SELECT l.transaction_id, amount, name FROM tx_latest l LEFT JOIN users u ON l.buyer = u.user_id;',
      { streamsProperties: { 'auto.offset.reset': 'earliest' } },
    )
    expect(await pullCount('SELECT * FROM users_view;', userCount)).toBe(userCount)

    await join.send(events.map((e) => ({ topic: topics.tx, key: null, value: serializeTransaction(e) })))

    // The inputs as consumed back from the broker: the oracle knows nothing but these records.
    const users = new Map<string, RawUser>()
    for (const r of await join.readUntil(topics.users, userCount)) {
      const key = text(r.key) as string
      const value = json(r.value)
      if (value === null) users.delete(key)
      else users.set(key, { name: value['name'] as string, tier: value['tier'] as number })
    }
    const transactions = (await join.readUntil(topics.tx, events.length)).map((r) => {
      const v = json(r.value) as Record<string, unknown>
      return {
        transaction_id: v['transaction_id'],
        user_id: v['user_id'],
        amount: v['amount'],
      } as RawTransaction
    })
    expect(transactions).toHaveLength(events.length)
    const matched = transactions.filter((t) => users.has(t.user_id))
    expect(matched.length).toBeGreaterThan(0)
    expect(matched.length).toBeLessThan(transactions.length)

    // Stream-table LEFT JOIN: one row per transaction, keyed by the join column, in input order.
    const left = await join.readUntil(`${prefix}ENRICHED_LEFT`, transactions.length)
    expect(left.map((r) => [text(r.key), json(r.value)])).toEqual(
      transactions.map((t) => [
        t.user_id,
        {
          TRANSACTION_ID: t.transaction_id,
          AMOUNT: t.amount,
          NAME: users.get(t.user_id)?.name ?? null,
          TIER: users.get(t.user_id)?.tier ?? null,
        },
      ]),
    )

    // INNER: only the transactions whose user has a row.
    const inner = await join.readUntil(`${prefix}ENRICHED_INNER`, matched.length)
    expect(inner.map((r) => [text(r.key), json(r.value)])).toEqual(
      matched.map((t) => [
        t.user_id,
        { TRANSACTION_ID: t.transaction_id, AMOUNT: t.amount, NAME: users.get(t.user_id)?.name },
      ]),
    )

    // Table-table JOIN of the per-user totals with users: each transaction of a user with a row
    // updates that user's totals and so the joined row (no cache: every change is emitted).
    const running = new Map<string, { count: number; total: number }>()
    const expectedTotals = matched.map((t) => {
      const before = running.get(t.user_id) ?? { count: 0, total: 0 }
      const now = { count: before.count + 1, total: before.total + t.amount }
      running.set(t.user_id, now)
      const user = users.get(t.user_id) as RawUser
      return [t.user_id, { TX_COUNT: now.count, TOTAL: now.total, NAME: user.name, TIER: user.tier }]
    })
    const totals = await join.readUntil(`${prefix}TOTALS_NAMED`, expectedTotals.length)
    expect(totals.map((r) => [text(r.key), json(r.value)])).toEqual(expectedTotals)

    // Foreign-key table-table LEFT JOIN: each transaction's row (keyed by its id) points at its
    // buyer's user row through a value column; one result per transaction, in input order.
    const buyers = await join.readUntil(`${prefix}TX_BUYER`, transactions.length)
    expect(buyers.map((r) => [text(r.key), json(r.value)])).toEqual(
      transactions.map((t) => [
        t.transaction_id,
        { AMOUNT: t.amount, NAME: users.get(t.user_id)?.name ?? null },
      ]),
    )
  })
})
