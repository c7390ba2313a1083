import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { ConsumedRecord, KafkaPorts } from '../../src/kafka/ports.ts'
import { generateTransactions, serializeTransaction } from '../../src/produce/generate-transactions.ts'
import { dip } from './helpers/dip-cli.ts'

let ports: KafkaPorts
let seq = 0
const uniqueTopic = (name: string) => `it-produce-${name}-${process.pid}-${++seq}`

beforeAll(() => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-produce' })
})

/** Reads a topic to its current end, in partition then offset order. */
async function readAll(topic: string): Promise<ConsumedRecord[]> {
  const admin = ports.admin()
  const high = await admin.topicOffsets(topic)
  await admin.close()
  const records: ConsumedRecord[] = []
  const positions = new Map<number, bigint>()
  const done = () => high.every((p) => (positions.get(p.partition) ?? p.low) >= p.high)
  if (done()) return records
  const controller = new AbortController()
  const safety = setTimeout(() => controller.abort(), 90_000)
  try {
    await ports.source({ groupId: `${topic}-reader`, fromBeginning: true }).run({
      topics: [topic],
      signal: controller.signal,
      eachBatch: async (batch) => {
        records.push(...batch.records)
        positions.set(batch.partition, batch.nextOffset)
        if (done()) controller.abort()
      },
    })
  } finally {
    clearTimeout(safety)
  }
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))
}

interface ProduceJson {
  topic: string
  topicCreated: boolean
  seed: number
  records: number
  bytes: number
  seconds: number
  recordsPerSecond: number
  interrupted: boolean
}

describe('dip produce', () => {
  it('creates the topic and sends the generated events byte for byte, with a JSON summary', async () => {
    const topic = uniqueTopic('seeded')
    const result = await dip(['produce', '--count', '300', '--topic', topic, '--seed', '7', '--json'])
    expect(result.exitCode, String(result.stderr)).toBe(0)
    const summary = JSON.parse(String(result.stdout)) as ProduceJson
    expect(summary).toMatchObject({ topic, topicCreated: true, records: 300, interrupted: false })
    const records = await readAll(topic)
    const expected = generateTransactions({ count: 300, seed: 7 }).map(serializeTransaction)
    expect(records.map((r) => String(r.value))).toEqual(expected)
    expect(records.every((r) => r.key === null)).toBe(true)
    expect(summary.bytes).toBe(expected.reduce((sum, v) => sum + Buffer.byteLength(v), 0))
  })

  it('continues the generator without --seed, so two plain runs send different transaction ids', async () => {
    const topic = uniqueTopic('continue')
    const first = await dip(['produce', '--count', '10', '--topic', topic, '--json'])
    expect(first.exitCode, String(first.stderr)).toBe(0)
    const second = await dip(['produce', '--count', '10', '--topic', topic, '--json'])
    expect(second.exitCode, String(second.stderr)).toBe(0)
    expect((JSON.parse(String(first.stdout)) as ProduceJson).seed).toBe(42)
    expect((JSON.parse(String(second.stdout)) as ProduceJson).seed).toBe(52)
    const values = (await readAll(topic)).map((r) => String(r.value))
    // Like `dip lab`: 42 on the empty topic, then 42 + the 10 records already there.
    const expected = [
      ...generateTransactions({ count: 10, seed: 42 }),
      ...generateTransactions({ count: 10, seed: 52 }),
    ].map(serializeTransaction)
    expect(values).toEqual(expected)
    const ids = values.map((v) => (JSON.parse(v) as { transaction_id: string }).transaction_id)
    expect(new Set(ids).size).toBe(20)
  })

  it('repeats the same events when the same --seed is given again', async () => {
    const topic = uniqueTopic('same-seed')
    for (let run = 0; run < 2; run++) {
      const result = await dip(['produce', '--count', '5', '--topic', topic, '--seed', '42'])
      expect(result.exitCode, String(result.stderr)).toBe(0)
    }
    const values = (await readAll(topic)).map((r) => String(r.value))
    const once = generateTransactions({ count: 5, seed: 42 }).map(serializeTransaction)
    expect(values).toEqual([...once, ...once])
  })

  it('keys records by transaction_id over the requested partitions and stamps event times', async () => {
    const topic = uniqueTopic('keyed')
    const result = await dip([
      'produce',
      '--count',
      '200',
      '--topic',
      topic,
      '--key',
      'transaction_id',
      '--partitions',
      '3',
      '--event-time',
      '--lifecycle',
    ])
    expect(result.exitCode, String(result.stderr)).toBe(0)
    const records = await readAll(topic)
    expect(records.length).toBeGreaterThan(200)
    expect(new Set(records.map((r) => r.partition)).size).toBe(3)
    const byId = new Map<string, Set<number>>()
    for (const record of records) {
      const event = JSON.parse(String(record.value)) as { transaction_id: string; timestamp: string }
      expect(String(record.key)).toBe(event.transaction_id)
      expect(record.timestamp).toBe(Date.parse(event.timestamp.replace(/(\.\d{3})\d*Z$/, '$1Z')))
      byId.set(event.transaction_id, (byId.get(event.transaction_id) ?? new Set()).add(record.partition))
    }
    // Every status update of an id lands in the same partition, so its history stays in order.
    expect([...byId.values()].every((partitions) => partitions.size === 1)).toBe(true)
    expect(String(result.stdout)).toMatch(/records\/s/)
  })

  it('stops cleanly on SIGINT: exit 0, and the summary counts exactly what is on the broker', async () => {
    const topic = uniqueTopic('sigint')
    const child = dip(['produce', '--duration', '60s', '--rate', '400/s', '--topic', topic, '--json'])
    const admin = ports.admin()
    try {
      for (;;) {
        await sleep(200)
        const topics = await admin.listTopics()
        if (topics.includes(topic) && (await admin.topicOffsets(topic)).some((p) => p.high > 100n)) break
      }
    } finally {
      await admin.close()
    }
    child.kill('SIGINT')
    const result = await child
    expect(result.exitCode, String(result.stderr)).toBe(0)
    const summary = JSON.parse(String(result.stdout)) as ProduceJson
    expect(summary.interrupted).toBe(true)
    expect((await readAll(topic)).length).toBe(summary.records)
  })

  it('rejects bad flags with exit code 2 and a message naming the flag', async () => {
    const count = await dip(['produce', '--count', '-3'])
    expect(count.exitCode).toBe(2)
    expect(String(count.stderr)).toMatch(/--count.*whole number greater than 0/)
    const rate = await dip(['produce', '--rate', 'abc'])
    expect(rate.exitCode).toBe(2)
    expect(String(rate.stderr)).toMatch(/--rate.*500\/s/)
    const both = await dip(['produce', '--count', '5', '--duration', '5s'])
    expect(both.exitCode).toBe(2)
    expect(String(both.stderr)).toMatch(/cannot be combined/)
  })
})
