import { randomInt } from 'node:crypto'
import { expect } from 'vitest'
import type { KafkaPorts, ProducedRecord, TopicAdmin } from '../../../src/kafka/ports.ts'
import type { MysqlPool } from '../../../src/mysql/mysql-port.ts'
import { storedOffsets, tableRows } from '../warehouse-helpers.ts'

/**
 * The inputs of the batch kill -9 tests (direct runner and Flink alike): a lake topic with one
 * malformed value in 500 over two event days, and a warehouse topic of keyed updates with one
 * malformed value in 400, so dead letters are exactly-once too.
 */
const DAY1 = Date.UTC(2025, 3, 8, 23, 0)
const DAY2 = Date.UTC(2025, 3, 9, 1, 0)
/** Records per produce request: well under the broker's message.max.bytes. */
const SLICE = 2000

export async function sendInSlices(kafka: KafkaPorts, records: readonly ProducedRecord[]): Promise<void> {
  const sink = kafka.sink()
  try {
    for (let at = 0; at < records.length; at += SLICE) await sink.send(records.slice(at, at + SLICE))
  } finally {
    await sink.close()
  }
}

/** Creates `topic` (kept forever) and fills it with `count` lake records; every 500th is malformed. */
export async function fillLakeTopic(
  kafka: KafkaPorts,
  admin: TopicAdmin,
  topic: string,
  options: { readonly count: number; readonly partitions: number },
): Promise<void> {
  await admin.createTopics([
    { name: topic, partitions: options.partitions, config: { 'retention.ms': '-1' } },
  ])
  await sendInSlices(
    kafka,
    Array.from({ length: options.count }, (_, i) => ({
      topic,
      key: `k${i % 97}`,
      value: i % 500 === 499 ? `{"broken": ${i}` : JSON.stringify({ n: i, pad: 'x'.repeat(100) }),
      timestamp: i % 3 === 0 ? DAY1 : DAY2,
    })),
  )
}

/** What a warehouse topic was filled with: the last SEQ per key and how many values were malformed. */
export interface WarehouseInput {
  readonly last: ReadonlyMap<string, number>
  readonly malformed: number
}

/**
 * Creates `topic` and fills it with `count` updates (SEQ 1…count) over 500 random keys; every
 * 400th value is malformed and updates no key.
 */
export async function fillWarehouseTopic(
  kafka: KafkaPorts,
  admin: TopicAdmin,
  topic: string,
  options: { readonly count: number; readonly partitions: number },
): Promise<WarehouseInput> {
  await admin.createTopics([{ name: topic, partitions: options.partitions }])
  const last = new Map<string, number>()
  let malformed = 0
  const records: ProducedRecord[] = []
  for (let seq = 1; seq <= options.count; seq++) {
    const key = `K${String(randomInt(500)).padStart(4, '0')}`
    if (seq % 400 === 0) {
      malformed++
      records.push({ topic, key, value: `{"SEQ": ${seq},` })
      continue
    }
    last.set(key, seq)
    records.push({ topic, key, value: JSON.stringify({ SEQ: seq, NOTE: `update ${seq}` }) })
  }
  await sendInSlices(kafka, records)
  return { last, malformed }
}

/** The rows the warehouse table must hold for `input`: one per key, its last SEQ, ordered by id. */
export function expectedWarehouseRows(input: WarehouseInput): { id: string; seq: string }[] {
  return [...input.last].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, seq]) => ({ id, seq: String(seq) }))
}

/**
 * After a warehouse batch ran to the end: the table equals the input, each dead letter is in
 * dip_rejects once, and the stored positions are the topic's ends.
 */
export async function expectWarehouseExactlyOnce(
  pool: MysqlPool,
  admin: TopicAdmin,
  run: {
    readonly table: string
    readonly topic: string
    readonly consumer: string
    readonly input: WarehouseInput
  },
): Promise<void> {
  const { table, topic, consumer, input } = run
  const rows = await tableRows(pool, `SELECT id, seq FROM \`${table}\` ORDER BY id`)
  expect(rows).toEqual(expectedWarehouseRows(input))
  const rejects = await tableRows(
    pool,
    `SELECT COUNT(*) AS n, COUNT(DISTINCT \`partition\`, \`offset\`) AS distinct_n FROM dip_rejects WHERE consumer = '${consumer}' AND topic = '${topic}'`,
  )
  expect(rejects).toEqual([{ n: String(input.malformed), distinct_n: String(input.malformed) }])
  const high = await admin.topicOffsets(topic)
  expect(await storedOffsets(pool, consumer, topic)).toEqual(
    new Map(high.filter((p) => p.high > 0n).map((p) => [p.partition, p.high])),
  )
}
