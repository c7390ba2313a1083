import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { createKsqlClient } from '../../src/ksql-client/ksql-client.ts'
import { runQuery } from '../../src/ksql-client/ksql-query.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import {
  startEmbeddedServer,
  type EmbeddedServer,
} from '../../src/ksql-engine/kafka-bridge/start-embedded-server.ts'
import { applyMigrations } from '../../src/ksql-migrations/apply-migrations.ts'
import { loadMigrationFiles } from '../../src/ksql-migrations/migration-files.ts'
import { restMigrationsServer } from '../../src/ksql-migrations/rest-migrations-server.ts'
import {
  generateTransactions,
  serializeTransaction,
  type TransactionEvent,
} from '../../src/produce/generate-transactions.ts'

/**
 * The embedded ksqlDB server on the real broker: the lab's ksql/ files applied as migrations,
 * 5,000 generated events, every derived topic filled, pull queries equal to reductions computed here
 * from the same events, an idempotent second apply, and a restart that keeps serving and continues.
 * Topic names are unique to this run (raw topic renamed, sinks prefixed, own service id).
 */
const run = `${process.pid}_${Date.now() % 100000}`
const rawTopic = `it-ksql-transactions-${run}`
const prefix = `it_ksql_${run}_`
const serviceId = `it_ksql_${run}_`

let ports: KafkaPorts
let server: EmbeddedServer | undefined
let dir: string

async function startServer(): Promise<EmbeddedServer> {
  server = await startEmbeddedServer({
    port: 0,
    host: '127.0.0.1',
    serviceId,
    kafka: ports,
    properties: { 'ksql.output.topic.name.prefix': prefix },
  })
  return server
}

async function produce(events: readonly TransactionEvent[]): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  try {
    await sink.send(events.map((e) => ({ topic: rawTopic, key: null, value: serializeTransaction(e) })))
  } finally {
    await sink.close()
  }
}

async function pull(sql: string): Promise<Record<string, unknown>[]> {
  let columns: readonly string[] = []
  const rows: Record<string, unknown>[] = []
  await runQuery(
    server?.url ?? '',
    sql,
    {},
    {
      onHeader: (h) => (columns = h.columnNames),
      onRow: (row) => rows.push(Object.fromEntries(columns.map((c, i) => [c, row[i]]))),
    },
  )
  return rows
}

/** Polls a pull query until `done` holds (the server processes the topic asynchronously). */
async function pullUntil(sql: string, done: (rows: Record<string, unknown>[]) => boolean) {
  let rows = await pull(sql)
  for (let i = 0; i < 240 && !done(rows); i++) {
    await sleep(500)
    rows = await pull(sql)
  }
  return rows
}

/**
 * Reads a topic (read_committed) until it holds `count` records, or more, or 10 s passed: right after
 * a commit its last records can still wait for their commit marker.
 */
async function readUntil(topic: string, count: number) {
  let records = await readWholeTopic(ports, topic, `it-ksql-reader-${run}`)
  for (let i = 0; i < 20 && records.length < count; i++) {
    await sleep(500)
    records = await readWholeTopic(ports, topic, `it-ksql-reader-${run}`)
  }
  return records
}

function sumBy(events: readonly TransactionEvent[], key: (e: TransactionEvent) => string) {
  const totals = new Map<string, { sum: number; count: number }>()
  for (const e of events) {
    const t = totals.get(key(e)) ?? { sum: 0, count: 0 }
    totals.set(key(e), { sum: t.sum + e.amount, count: t.count + 1 })
  }
  return totals
}

const totalCount = (rows: Record<string, unknown>[]) =>
  rows.reduce((n, r) => n + Number(r['TRANSACTION_COUNT'] ?? 0), 0)

async function apply() {
  return applyMigrations(restMigrationsServer(createKsqlClient({ url: server?.url ?? '' })), {
    files: await loadMigrationFiles(dir),
    dryRun: false,
    force: false,
    variables: {},
  })
}

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-ksql' })
  const admin = ports.admin()
  await admin.createTopics([{ name: rawTopic, partitions: 2 }])
  await admin.close()
  dir = await mkdtemp(join(tmpdir(), 'dip-it-ksql-'))
  const labDir = resolve(import.meta.dirname, '../../ksql')
  for (const file of (await readdir(labDir)).filter((f) => f.endsWith('.sql'))) {
    const sql = (await readFile(join(labDir, file), 'utf8'))
      .replaceAll("KAFKA_TOPIC='transaction_log'", `KAFKA_TOPIC='${rawTopic}'`)
      .replaceAll("KAFKA_TOPIC='TRANSACTIONS_BY_ID'", `KAFKA_TOPIC='${prefix}TRANSACTIONS_BY_ID'`)
    await writeFile(join(dir, file), sql)
  }
})

afterAll(async () => {
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('embedded ksqlDB server on Kafka', () => {
  const events = generateTransactions({ count: 5000, seed: 11 })
  const more = generateTransactions({ count: 500, seed: 12 })

  it("applies the lab's ksql/ files, fills every derived topic and answers pull queries", async () => {
    await produce(events)
    await startServer()
    const first = await apply()
    expect(first.applied).toEqual((await loadMigrationFiles(dir)).map((f) => f.version))
    expect(first.applied.length).toBeGreaterThanOrEqual(13)

    const byMethod = sumBy(events, (e) => e.payment_method)
    const totals = await pullUntil(
      'SELECT * FROM TOTALS_PER_PAYMENT_METHOD;',
      (rows) => totalCount(rows) === 5000,
    )
    expect(new Set(totals.map((r) => r['PAYMENT_METHOD']))).toEqual(new Set(byMethod.keys()))
    for (const row of totals) {
      const expected = byMethod.get(String(row['PAYMENT_METHOD']))
      expect(row['TRANSACTION_COUNT']).toBe(expected?.count)
      expect(Number(row['TOTAL_AMOUNT'])).toBeCloseTo(expected?.sum ?? NaN, 6)
    }
    const byType = sumBy(events, (e) => e.transaction_type)
    for (const row of await pull('SELECT * FROM AMOUNT_PER_TYPE;'))
      expect(Number(row['TOTAL_AMOUNT'])).toBeCloseTo(
        byType.get(String(row['TRANSACTION_TYPE']))?.sum ?? NaN,
        6,
      )
    const large = sumBy(
      events.filter((e) => e.amount > 700),
      (e) => e.transaction_type,
    )
    const stats = await pull("SELECT * FROM LARGE_TRANSACTION_STATS WHERE TRANSACTION_TYPE = 'refund';")
    expect(stats[0]?.['TRANSACTION_COUNT']).toBe(large.get('refund')?.count)

    // Every derived topic is on the broker with records; a filtered stream holds exactly its rows.
    const sources = await createKsqlClient({ url: server?.url ?? '' }).listSources()
    const derived = sources.filter((s) => s.topic.startsWith(prefix))
    expect(derived.length).toBeGreaterThan(10)
    const admin = ports.admin()
    try {
      for (const source of derived) {
        const offsets = await admin.topicOffsets(source.topic)
        expect(
          offsets.some((o) => o.high > o.low),
          source.topic,
        ).toBe(true)
      }
    } finally {
      await admin.close()
    }
    const largeRecords = await readUntil(
      `${prefix}LARGE_TRANSACTIONS`,
      events.filter((e) => e.amount > 700).length,
    )
    expect(largeRecords.length).toBe(events.filter((e) => e.amount > 700).length)

    // Pull queries on streams scan the whole topic, beyond the newest records the server keeps:
    // an input stream (read up to where the server consumed it) and a stream a query writes.
    expect(await pull('SELECT * FROM TRANSACTIONS_BASIC;')).toHaveLength(5000)
    const largeRows = await pull('SELECT TRANSACTION_ID FROM LARGE_TRANSACTIONS;')
    expect(largeRows.map((r) => r['TRANSACTION_ID']).sort()).toEqual(
      events
        .filter((e) => e.amount > 700)
        .map((e) => e.transaction_id)
        .sort(),
    )
  })

  it('changes nothing on a second apply', async () => {
    const second = await apply()
    expect(second.plan.kind).toBe('upToDate')
    expect(second.applied).toEqual([])
  })

  it('survives a restart: replays its commands, keeps state and continues', async () => {
    await server?.close()
    server = undefined
    const restarted = await startServer()
    expect(restarted.replayedCommands).toBeGreaterThan(0)
    await produce(more)
    const all = [...events, ...more]
    const byMethod = sumBy(all, (e) => e.payment_method)
    const totals = await pullUntil(
      'SELECT * FROM TOTALS_PER_PAYMENT_METHOD;',
      (rows) => totalCount(rows) === 5500,
    )
    for (const row of totals) {
      const expected = byMethod.get(String(row['PAYMENT_METHOD']))
      expect(row['TRANSACTION_COUNT']).toBe(expected?.count)
      expect(Number(row['TOTAL_AMOUNT'])).toBeCloseTo(expected?.sum ?? NaN, 6)
    }
    // Exactly once across the restart: the filtered stream holds each qualifying event once.
    const largeRecords = await readUntil(
      `${prefix}LARGE_TRANSACTIONS`,
      all.filter((e) => e.amount > 700).length,
    )
    expect(largeRecords.length).toBe(all.filter((e) => e.amount > 700).length)
    expect((await apply()).plan.kind).toBe('upToDate')
  })
})
