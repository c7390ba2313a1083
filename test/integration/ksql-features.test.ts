import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { createKsqlClient } from '../../src/ksql-client/ksql-client.ts'
import { parsePrintedRecord, printTopic } from '../../src/ksql-client/ksql-print.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import { runDip } from './dip-cli.ts'
import {
  startEmbeddedServer,
  type EmbeddedServer,
} from '../../src/ksql-engine/kafka-bridge/start-embedded-server.ts'

/**
 * Table functions, PRINT, EXPLAIN and DESCRIBE EXTENDED on the embedded server over the real
 * broker. Expected rows are recomputed here from the produced events, not by the engine's code.
 */
const run = `${process.pid}_${Date.now() % 100000}`
const rawTopic = `it-features-orders-${run}`
const prefix = `it_features_${run}_`
const serviceId = `it_features_${run}_`

interface Order {
  readonly id: string
  readonly items: readonly number[]
  readonly tags: readonly string[]
}

// Deterministic orders: some with empty or missing item lists, lists of different lengths.
const orders: Order[] = Array.from({ length: 40 }, (_, i) => ({
  id: `o${i}`,
  items: Array.from({ length: i % 4 }, (_, j) => i * 10 + j),
  tags: Array.from({ length: (i + 1) % 3 }, (_, j) => `t${j}`),
}))

let ports: KafkaPorts
let server: EmbeddedServer | undefined

async function produce(records: readonly { key: string; value: string }[]): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  try {
    await sink.send(records.map((r) => ({ topic: rawTopic, key: r.key, value: r.value })))
  } finally {
    await sink.close()
  }
}

/** Reads a topic (read_committed) until it holds `count` records: commit markers can lag a little. */
async function readUntil(topic: string, count: number) {
  let records = await readWholeTopic(ports, topic, `it-features-reader-${run}`)
  for (let i = 0; i < 40 && records.length < count; i++) {
    await sleep(500)
    records = await readWholeTopic(ports, topic, `it-features-reader-${run}`)
  }
  return records
}

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-features' })
  const admin = ports.admin()
  await admin.createTopics([{ name: rawTopic, partitions: 2 }])
  await admin.close()
  await produce(orders.map((o) => ({ key: o.id, value: JSON.stringify({ ITEMS: o.items, TAGS: o.tags }) })))
  server = await startEmbeddedServer({
    port: 0,
    host: '127.0.0.1',
    serviceId,
    kafka: ports,
    properties: { 'ksql.output.topic.name.prefix': prefix },
  })
})

afterAll(async () => {
  await server?.close()
})

describe('embedded ksqlDB features on Kafka', () => {
  it('EXPLODE zips two arrays into one row per element, padding the shorter with NULL', async () => {
    const client = createKsqlClient({ url: server?.url ?? '' })
    await client.execute(
      `CREATE STREAM ORDERS (ID STRING KEY, ITEMS ARRAY<INT>, TAGS ARRAY<STRING>) WITH (KAFKA_TOPIC='${rawTopic}', VALUE_FORMAT='JSON');`,
    )
    await client.execute(
      "SET 'auto.offset.reset'='earliest'; CREATE STREAM ORDER_ITEMS AS SELECT ID, EXPLODE(ITEMS) AS ITEM, EXPLODE(TAGS) AS TAG FROM ORDERS;",
    )
    const expected = orders.flatMap((o) =>
      Array.from({ length: Math.max(o.items.length, o.tags.length) }, (_, i) =>
        JSON.stringify([o.id, o.items[i] ?? null, o.tags[i] ?? null]),
      ),
    )
    const records = await readUntil(`${prefix}ORDER_ITEMS`, expected.length)
    const got = records.map((r) => {
      const value = JSON.parse(r.value?.toString() ?? 'null') as { ITEM: number | null; TAG: string | null }
      return JSON.stringify([r.key?.toString(), value.ITEM, value.TAG])
    })
    expect(got.sort()).toEqual([...expected].sort())
    // One order's rows stay in their array order (one key, one partition).
    const o7 = records.filter((r) => r.key?.toString() === 'o7').map((r) => r.value?.toString())
    expect(o7).toEqual(['{"ITEM":70,"TAG":"t0"}', '{"ITEM":71,"TAG":"t1"}', '{"ITEM":72,"TAG":null}'])
  })

  it('EXPLAIN shows the flatMap step; DESCRIBE EXTENDED the real partitions and counts', async () => {
    const client = createKsqlClient({ url: server?.url ?? '' })
    const queryId = (await client.execute('SHOW QUERIES;'))
      .flatMap((e) => (e as { queries?: { id: string; sinks: string[] }[] }).queries ?? [])
      .find((q) => q.sinks.includes('ORDER_ITEMS'))?.id
    expect(queryId).toMatch(/^CSAS_ORDER_ITEMS_/)
    const [explained] = (await client.execute(`EXPLAIN ${queryId ?? ''};`)) as Record<string, unknown>[]
    const description = explained?.['queryDescription'] as Record<string, unknown>
    expect(description).toMatchObject({
      id: queryId,
      sources: ['ORDERS'],
      sinks: ['ORDER_ITEMS'],
      state: 'RUNNING',
    })
    expect(String(description['executionPlan'])).toContain('[ FLAT_MAP ]')
    const [described] = (await client.execute('DESCRIBE ORDERS EXTENDED;')) as Record<string, unknown>[]
    const source = described?.['sourceDescription'] as Record<string, unknown>
    expect(source).toMatchObject({ extended: true, partitions: 2, replication: 1 })
    expect(String(source['statistics'])).toContain(
      `consumer-total-messages:${String(orders.length).padStart(10)} `,
    )
  })

  it('PRINT reads the topic from Kafka with the detected formats, FROM BEGINNING and new records', async () => {
    const url = server?.url ?? ''
    const lines: string[] = []
    await printTopic(url, `PRINT '${rawTopic}' FROM BEGINNING LIMIT 5;`, (l) => lines.push(l))
    expect(lines.slice(0, 2)).toEqual(['Key format: KAFKA_STRING', 'Value format: JSON or KAFKA_STRING'])
    const printed = lines.slice(2).map(parsePrintedRecord)
    expect(printed).toHaveLength(5)
    const byId = new Map(orders.map((o) => [o.id, JSON.stringify({ ITEMS: o.items, TAGS: o.tags })]))
    for (const record of printed) expect(record?.value).toBe(byId.get(record?.key ?? ''))

    // Internal topics print too: the command topic holds the statements this server accepted.
    const commands: string[] = []
    await printTopic(url, `PRINT '_confluent-ksql-${serviceId}_command_topic' FROM BEGINNING LIMIT 1;`, (l) =>
      commands.push(l),
    )
    expect(commands.find((l) => l.startsWith('rowtime: '))).toContain('CREATE STREAM ORDERS')

    // Without FROM BEGINNING only what arrives after the response started is printed.
    const stop = new AbortController()
    const fresh: string[] = []
    let started!: () => void
    const headers = new Promise<void>((resolve) => (started = resolve))
    const printing = printTopic(
      url,
      `PRINT '${rawTopic}' LIMIT 1;`,
      (l) => fresh.push(l),
      stop.signal,
      () => started(),
    )
    await headers
    // Five bytes: no number or windowed key, so ksqlDB's detection shows it as a string.
    await produce([{ key: 'late1', value: '{"ITEMS":[1],"TAGS":[]}' }])
    await printing
    expect(fresh.filter((l) => l.startsWith('rowtime:')).map((l) => parsePrintedRecord(l)?.key)).toEqual([
      'late1',
    ])
  })

  it('dip ksql print prints the same lines, and --json one document, against the server', async () => {
    const env = { DIP_KSQL_URL: server?.url ?? '' }
    const human = await runDip(['ksql', 'print', rawTopic, '--from-beginning', '--limit', '2'], { env })
    expect(human.exitCode, human.stderr).toBe(0)
    const lines = human.stdout.split('\n').filter((l) => l !== '')
    expect(lines.slice(0, 2)).toEqual(['Key format: KAFKA_STRING', 'Value format: JSON or KAFKA_STRING'])
    expect(lines.slice(2)).toHaveLength(2)
    const json = await runDip(['ksql', 'print', rawTopic, '--from-beginning', '--limit', '3', '--json'], {
      env,
    })
    expect(json.exitCode, json.stderr).toBe(0)
    const doc = JSON.parse(json.stdout) as { keyFormat: string; records: { key: string; value: string }[] }
    expect(doc.keyFormat).toBe('KAFKA_STRING')
    expect(doc.records).toHaveLength(3)
    const viaQuery = await runDip(['ksql', 'query', `PRINT '${rawTopic}' FROM BEGINNING LIMIT 1;`], { env })
    expect(viaQuery.exitCode, viaQuery.stderr).toBe(0)
    expect(viaQuery.stdout.split('\n').filter((l) => l.startsWith('rowtime: '))).toHaveLength(1)
    const missing = await runDip(['ksql', 'print', `no-such-topic-${run}`, '--limit', '1'], { env })
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain(`Could not find topic 'no-such-topic-${run}'`)
  })
})
