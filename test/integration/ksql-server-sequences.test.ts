import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { ConsumedRecord, KafkaPorts } from '../../src/kafka/ports.ts'
import {
  postKsql,
  produceValues,
  serverAnswers,
  showQueries,
  startServerUnderTest,
  type ServerUnderTest,
} from './helpers/embedded-ksql.ts'

/**
 * Seeded random sequences of CREATE STREAM/TABLE, CSAS, CTAS, INSERT INTO, DROP [DELETE TOPIC],
 * TERMINATE and statements that must fail, against the embedded server on the real broker. After
 * every step: the server answers /info, nothing made it give up, and one new input record reaches
 * every sink a running query chain feeds, exactly as many times as the model of the queries says
 * (a CSAS copies it, a CTAS counts it, each writer of a stream adds its copies).
 * KSQL_SEQUENCE_SEED runs another sequence; failures name the seed and the statements so far.
 */
const seed = Number(process.env['KSQL_SEQUENCE_SEED'] ?? '20261206')
const STEPS = 24
const run = `${process.pid}_${Date.now() % 100000}`
const rawTopic = `it-seq-raw-${run}`
const prefix = `it_seq_${run}_`
const serviceId = `it_seq_${run}_`

let ports: KafkaPorts
let sut: ServerUnderTest | undefined
const url = (): string => sut?.server.url ?? ''

interface Source {
  readonly name: string
  readonly type: 'STREAM' | 'TABLE'
  readonly topic: string
}
interface Query {
  readonly id: string
  readonly from: string
  readonly into: string
}

/** mulberry32: small, seeded, the same sequence on every machine. */
function random(seedValue: number): () => number {
  let a = seedValue >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-seq' })
  const admin = ports.admin()
  await admin.createTopics([{ name: rawTopic, partitions: 2 }])
  await admin.close()
  sut = await startServerUnderTest(ports, serviceId, { 'ksql.output.topic.name.prefix': prefix })
})

afterAll(async () => {
  await sut?.server.close()
})

describe('random statement sequences on the embedded server', () => {
  it(`keeps serving and every surviving query producing (seed ${seed})`, async () => {
    const next = random(seed)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
    const sources = new Map<string, Source>([['SRC', { name: 'SRC', type: 'STREAM', topic: rawTopic }]])
    let queries: Query[] = []
    const created = await postKsql(
      url(),
      `CREATE STREAM SRC (ID VARCHAR, AMOUNT DOUBLE, KIND VARCHAR) WITH (KAFKA_TOPIC='${rawTopic}', VALUE_FORMAT='JSON');`,
    )
    expect(created.status).toBe(200)

    const streams = (): Source[] => [...sources.values()].filter((s) => s.type === 'STREAM')
    const derived = (): Source[] => [...sources.values()].filter((s) => s.name !== 'SRC')
    /** Whether `to` is fed (through running queries) by `from`: INSERT INTO to … FROM from would loop. */
    const feeds = (from: string, to: string): boolean =>
      from === to || queries.some((q) => q.from === from && feeds(q.into, to))
    const knownIds = new Set<string>()
    const history: string[] = []
    const newQueryId = async (): Promise<string> => {
      const fresh = (await showQueries(url())).map((q) => q.id).filter((id) => !knownIds.has(id))
      expect(fresh, `seed ${seed}: one new query`).toHaveLength(1)
      knownIds.add(fresh[0] as string)
      return fresh[0] as string
    }

    for (let step = 1; step <= STEPS; step++) {
      const context = `seed ${seed}, step ${step}, after:\n${history.join('\n')}\n`
      const action = pick(['csas', 'csas', 'ctas', 'insert', 'drop', 'terminate', 'bad'] as const)
      const before = (await showQueries(url())).map((q) => q.id).sort()
      let sql = ''
      let expectOk = true
      let apply: (() => Promise<void>) | null = null
      switch (action) {
        case 'csas': {
          const from = pick(streams())
          const name = `S${step}`
          sql = `CREATE STREAM ${name} AS SELECT ID, AMOUNT, KIND FROM ${from.name} WHERE AMOUNT > ${step};`
          apply = async () => {
            sources.set(name, { name, type: 'STREAM', topic: `${prefix}${name}` })
            queries.push({ id: await newQueryId(), from: from.name, into: name })
          }
          break
        }
        case 'ctas': {
          const from = pick(streams())
          const name = `T${step}`
          sql = `CREATE TABLE ${name} AS SELECT KIND, COUNT(*) AS N FROM ${from.name} GROUP BY KIND;`
          apply = async () => {
            sources.set(name, { name, type: 'TABLE', topic: `${prefix}${name}` })
            queries.push({ id: await newQueryId(), from: from.name, into: name })
          }
          break
        }
        case 'insert': {
          const targets = streams().filter((s) => s.name !== 'SRC')
          if (targets.length === 0) continue
          const into = pick(targets)
          const from = pick(streams())
          sql = `INSERT INTO ${into.name} SELECT ID, AMOUNT, KIND FROM ${from.name};`
          // Its output would come back to its input: refused (the engine would loop forever).
          expectOk = !feeds(into.name, from.name)
          apply = async () => {
            queries.push({ id: await newQueryId(), from: from.name, into: into.name })
          }
          break
        }
        case 'drop': {
          const candidates = derived()
          if (candidates.length === 0) continue
          const victim = pick(candidates)
          const deleteTopic = next() < 0.5
          sql = `DROP ${victim.type} ${victim.name}${deleteTopic ? ' DELETE TOPIC' : ''};`
          const creator = queries.find((q) => q.into === victim.name && q.id.startsWith('C'))
          const blocked = queries.some(
            (q) => q.from === victim.name || (q.into === victim.name && q !== creator),
          )
          expectOk = !blocked
          apply = () => {
            sources.delete(victim.name)
            queries = queries.filter((q) => q !== creator)
            return Promise.resolve()
          }
          break
        }
        case 'terminate': {
          if (queries.length === 0) continue
          const victim = pick(queries)
          sql = `TERMINATE ${victim.id};`
          apply = () => {
            queries = queries.filter((q) => q !== victim)
            return Promise.resolve()
          }
          break
        }
        case 'bad': {
          sql = pick([
            `CREATE STREAM BAD${step} WITH (KAFKA_TOPIC='bad topic ${step}!') AS SELECT * FROM SRC;`,
            `CREATE STREAM BAD${step} AS SELECT * FROM NOSUCH${step};`,
            `CREATE TABLE BAD${step} AS SELECT ID, COUNT(*) FROM SRC;`,
            'DROP STREAM SRC;',
          ])
          expectOk = sql === 'DROP STREAM SRC;' && !queries.some((q) => q.from === 'SRC')
          apply = () => {
            sources.delete('SRC')
            return Promise.resolve()
          }
          break
        }
      }
      const answer = await postKsql(url(), sql, { 'auto.offset.reset': 'earliest' })
      history.push(`${step}: ${sql} → ${answer.status}`)
      expect(answer.status, `${context}: ${sql} → ${JSON.stringify(answer.body)}`).toBe(expectOk ? 200 : 400)
      if (expectOk) await apply?.()
      else
        expect((await showQueries(url())).map((q) => q.id).sort(), `${context}: nothing changed`).toEqual(
          before,
        )
      expect(await serverAnswers(url()), `${context}: /info after ${sql}`).toBe(true)
      expect(sut?.fatal, context).toEqual([])
      if (!sources.has('SRC')) break

      // One new record: each sink fed by running queries gets it as often as its writers copy it.
      const copies = new Map<string, number>()
      const copiesOf = (name: string): number => {
        if (name === 'SRC') return 1
        const known = copies.get(name)
        if (known !== undefined) return known
        const count = queries.filter((q) => q.into === name).reduce((n, q) => n + copiesOf(q.from), 0)
        copies.set(name, count)
        return count
      }
      const marker = `m${step}x`
      await produceValues(ports, rawTopic, [JSON.stringify({ ID: marker, AMOUNT: 1000, KIND: marker })])
      const expected = derived()
        .map((s) => [s, copiesOf(s.name)] as const)
        .filter(([, n]) => n > 0)
      const seen = await countMarkerUntil(
        expected.map(([s]) => s.topic),
        marker,
        (counts) => expected.every(([s, n]) => (counts.get(s.topic) ?? 0) >= n),
      )
      for (const [source, n] of expected)
        expect(seen.get(source.topic) ?? 0, `${context}: ${source.name} after ${sql}`).toBe(n)
    }
  })
})

/** Reads the topics whole (read_committed) until `done` holds for the marker's counts, or 60 tries. */
async function countMarkerUntil(
  topics: readonly string[],
  marker: string,
  done: (counts: ReadonlyMap<string, number>) => boolean,
): Promise<Map<string, number>> {
  let counts = new Map<string, number>()
  for (let attempt = 0; attempt < 60; attempt++) {
    counts = new Map()
    for (const record of await readTopics(topics))
      if (`${record.key?.toString('utf8') ?? ''}${record.value?.toString('utf8') ?? ''}`.includes(marker))
        counts.set(record.topic, (counts.get(record.topic) ?? 0) + 1)
    if (done(counts)) return counts
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return counts
}

/** Every committed record of several topics, in one consumer run (one group join, not one per topic). */
async function readTopics(topics: readonly string[]): Promise<ConsumedRecord[]> {
  if (topics.length === 0) return []
  const admin = ports.admin()
  const pending = new Map<string, bigint>()
  const startAt = []
  try {
    for (const topic of topics)
      for (const o of await admin.topicOffsets(topic)) {
        startAt.push({ topic, partition: o.partition, offset: o.low })
        if (o.high > o.low) pending.set(`${topic}:${o.partition}`, o.high)
      }
  } finally {
    await admin.close()
  }
  const records: ConsumedRecord[] = []
  if (pending.size === 0) return records
  const controller = new AbortController()
  const source = ports.source({ groupId: `it-seq-read-${run}`, isolation: 'read_committed' })
  try {
    await source.run({
      topics: [...topics],
      startAt,
      signal: controller.signal,
      eachBatch: async (batch) => {
        const key = `${batch.topic}:${batch.partition}`
        const end = pending.get(key)
        if (end === undefined) return
        records.push(...batch.records.filter((r) => r.offset < end))
        if (batch.nextOffset >= end) pending.delete(key)
        if (pending.size === 0) controller.abort()
        await Promise.resolve()
      },
    })
  } finally {
    await source.close()
  }
  return records
}
