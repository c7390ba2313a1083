import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  generateTransactions,
  serializeTransaction,
  type TransactionEvent,
} from '../../src/produce/generate-transactions.ts'
import { startJoinServer, type JoinServer } from './helpers/join-server.ts'

/**
 * A stream-table LEFT JOIN on the real broker: the lab's generated transactions enriched with a
 * users table filled by INSERT INTO … VALUES. The expected rows are computed here from the events
 * and the inserted users, not by the engine.
 */
let join: JoinServer<'transactions' | 'users'>

async function pullUntil(sql: string, count: number): Promise<unknown[][]> {
  return join.pullUntil(sql, (rows) => rows.length >= count)
}

async function sendTransactions(events: readonly TransactionEvent[]): Promise<void> {
  await join.send(
    events.map((e) => ({ topic: join.topics.transactions, key: null, value: serializeTransaction(e) })),
  )
}

beforeAll(async () => {
  join = await startJoinServer('join', ['transactions', 'users'])
})

afterAll(async () => {
  await join?.close()
})

describe('stream-table LEFT JOIN on Kafka', () => {
  const events = generateTransactions({ count: 400, seed: 23 })
  const more = generateTransactions({ count: 100, seed: 24 })

  it('enriches every transaction with the user row present when it arrives, NULLs without one', async () => {
    const { prefix, topics } = join
    await join.client.execute(
      `CREATE STREAM tx (transaction_id STRING, user_id STRING, amount DOUBLE) WITH (kafka_topic='${topics.transactions}', value_format='JSON');` +
        `CREATE TABLE users (user_id STRING PRIMARY KEY, name STRING, tier INT) WITH (kafka_topic='${topics.users}', value_format='JSON');` +
        'CREATE STREAM enriched AS SELECT t.user_id, t.transaction_id, t.amount, u.name, u.tier FROM tx t LEFT JOIN users u ON t.user_id = u.user_id;' +
        'CREATE TABLE users_view AS SELECT * FROM users;',
    )
    // Every other distinct user gets a row: the rest must come out with NULL user columns.
    const userIds = [...new Set(events.map((e) => e.user_id))].sort()
    const users = new Map(
      userIds.filter((_, i) => i % 2 === 0).map((id, i) => [id, { name: `name-${id}`, tier: i % 3 }]),
    )
    for (const [id, u] of users) {
      await join.client.execute(
        `INSERT INTO users (user_id, name, tier) VALUES ('${id}', '${u.name}', ${String(u.tier)});`,
      )
    }
    // The table side is in the server's store before any transaction arrives.
    expect(await pullUntil('SELECT * FROM users_view;', users.size)).toHaveLength(users.size)

    await sendTransactions(events)

    const records = await join.readUntil(`${prefix}ENRICHED`, events.length)
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
    await join.restart()
    // The rebuild re-reads the input topics in the consumer's fetch order, not by timestamp: let it
    // reach the users before the new transactions exist.
    expect(await pullUntil('SELECT * FROM users_view;', users.size)).toHaveLength(users.size)
    await sendTransactions(more)
    const after = await join.readUntil(`${prefix}ENRICHED`, events.length + more.length)
    expect(after).toHaveLength(events.length + more.length)
    const later = after
      .slice(events.length)
      .map((r) => JSON.parse(r.value?.toString('utf8') ?? 'null') as Record<string, unknown>)
      .map((v) => [v['TRANSACTION_ID'], v['NAME']])
    expect(later).toEqual(more.map((e) => [e.transaction_id, users.get(e.user_id)?.name ?? null]))
    expect(later.some(([, name]) => name !== null)).toBe(true)
  })
})
