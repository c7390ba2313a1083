import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { ConsumedRecord, KafkaPorts } from '../../src/kafka/ports.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import { createEngine } from '../../src/ksql-engine/engine.ts'
import { transactionRecords } from '../../src/produce/transaction-records.ts'
import { ksqldbArgs, ksqldbPaths } from '../../src/stack/native/ksqldb-native.ts'
import { nativePaths } from '../../src/stack/native/native-paths.ts'
import { freePort } from '../../src/stack/native/port-check.ts'
import { isAlive, spawnDetached, stopProcess } from '../../src/stack/native/processes.ts'

/**
 * Exactly-once of the embedded ksqlDB server under crashes: the server runs as `dip up` runs it (a
 * detached `node bin/dip.js ksql server --stack-marker …` child), is killed with SIGKILL at five
 * seeded random points while it processes 50,000 lab events, and restarted each time. At the end,
 * read with read_committed, every stream topic holds exactly the records, and every table topic
 * the last value per key, that the same engine computes in this process from the same input in
 * one uninterrupted pass. Aggregates restart from zero or count twice if state is not restored.
 * Last, the server stops by itself once its stack marker is deleted (no orphan).
 */
const run = `${process.pid}_${Date.now() % 100000}`
const rawTopic = `it-ksql-kill-${run}`
const prefix = `it_kill_${run}_`
const serviceId = `it_kill_${run}_`
const EVENTS = 50_000
const KILLS = 5
// A filtered stream, an aggregate over it (COUNT, AVG) and the hopping window over the raw stream
// (SUM, COUNT per 5-minute window): stream output and windowed state, with CI time kept in check.
const LAB_FILES = [
  'V000001__transactions_stream.sql',
  'V000002__large_transactions.sql',
  'V000013__sliding_amount_per_type.sql',
]
// With ksqlDB's record cache the server sends one update per key and batch; the in-process
// reference sends every update: their last values per key must still be equal.
const CACHED_TABLE = `SET 'cache.max.bytes.buffering'='10000000';
CREATE TABLE cached_totals AS SELECT transaction_type, SUM(amount) AS total, COUNT(*) AS n
  FROM transactions_basic GROUP BY transaction_type;`
const SINKS = ['CACHED_TOTALS', 'LARGE_TRANSACTIONS', 'LARGE_TRANSACTION_STATS', 'SLIDING_AMOUNT_PER_TYPE']
const PROPERTIES = { 'auto.offset.reset': 'earliest', 'ksql.output.topic.name.prefix': prefix }

let ports: KafkaPorts
let stateDir: string
let port: number
let pid: number | undefined

/** A small seeded generator, so a failing run can be replayed with the same kill points. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

async function labStatements(): Promise<string[]> {
  const labDir = resolve(import.meta.dirname, '../../ksql')
  const lab = await Promise.all(
    LAB_FILES.map(async (file) =>
      (await readFile(join(labDir, file), 'utf8'))
        .replaceAll("KAFKA_TOPIC='transaction_log'", `KAFKA_TOPIC='${rawTopic}'`)
        .replaceAll("KAFKA_TOPIC='TRANSACTIONS_BY_ID'", `KAFKA_TOPIC='${prefix}TRANSACTIONS_BY_ID'`),
    ),
  )
  return [...lab, CACHED_TABLE]
}

/** Starts the server exactly as `dip up` does, plus its own service id (the stack runs `default_`). */
async function startServer(): Promise<number> {
  const paths = ksqldbPaths(stateDir)
  // Config overrides of the developer's shell must not reach the child: it reads the test config.
  const env = Object.fromEntries(
    Object.keys(process.env)
      .filter((key) => key.startsWith('DIP_') && key !== 'DIP_CACHE_DIR')
      .map((key) => [key, undefined]),
  )
  const spawned = await spawnDetached({
    command: process.execPath,
    args: [
      ...ksqldbArgs({ stateDir, configFile: inject('stack').configFile, port }),
      '--service-id',
      serviceId,
    ],
    logFile: paths.logFile,
    pidFile: paths.pidFile,
    env: { ...env, NO_COLOR: '1' },
  })
  pid = spawned.pid
  for (let i = 0; i < 600; i++) {
    const exited = spawned.exited()
    if (exited !== undefined)
      throw new Error(`dip ksql server exited (${JSON.stringify(exited)}); log: ${paths.logFile}`)
    const healthy = await fetch(`http://127.0.0.1:${port}/info`).then(
      (r) => r.ok,
      () => false,
    )
    if (healthy) return spawned.pid
    await sleep(200)
  }
  throw new Error(`dip ksql server did not answer on port ${port}; log: ${paths.logFile}`)
}

async function kill9(): Promise<void> {
  if (pid === undefined) return
  process.kill(pid, 'SIGKILL')
  while (isAlive(pid)) await sleep(20)
  pid = undefined
}

async function ksql(sql: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: PROPERTIES }),
  })
  expect(response.status, await response.clone().text()).toBe(200)
}

/** Offset the server has committed (with its output, in one transaction) on the raw topic. */
async function committedOffset(): Promise<number> {
  const admin = ports.admin()
  try {
    const offsets = await admin.groupOffsets(`_confluent-ksql-${serviceId}query_dip_bridge`, rawTopic)
    return offsets.reduce((sum, o) => sum + Number(o.offset), 0)
  } finally {
    await admin.close()
  }
}

/** Waits until the server has committed `target` input records; fails at once if it died. */
async function waitCommitted(target: number, pollMs: number): Promise<void> {
  while ((await committedOffset()) < target) {
    if (pid === undefined || !isAlive(pid))
      throw new Error(`dip ksql server exited while processing; log: ${ksqldbPaths(stateDir).logFile}`)
    await sleep(pollMs)
  }
}

/**
 * Waits until the topics' ends stop moving. A commit is visible in the group's offsets before every
 * partition has its commit marker, and a reader stops at the end it sees first.
 */
async function settledEnds(topics: readonly string[]): Promise<void> {
  const ends = async (): Promise<string> => {
    const admin = ports.admin()
    try {
      const all = await Promise.all(topics.map((t) => admin.topicOffsets(t)))
      return JSON.stringify(all.flat().map((o) => String(o.high)))
    } finally {
      await admin.close()
    }
  }
  let before = await ends()
  for (let i = 0; i < 60; i++) {
    await sleep(500)
    const now = await ends()
    if (now === before) return
    before = now
  }
}

async function produceEvents(): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  try {
    // Lifecycle on: later status updates of a transaction (LATEST_BY_OFFSET, COLLECT_LIST) follow it.
    // Record time is the send time: sink topics get the broker's 7-day retention, which would delete
    // records stamped with the generator's 2025 event times as soon as they are written.
    const plan = { topic: rawTopic, count: EVENTS, seed: 17, key: 'none', lifecycle: true, eventTime: false }
    let sent = 0
    for (const records of transactionRecords(plan as Parameters<typeof transactionRecords>[0])) {
      const batch = records.slice(0, EVENTS - sent)
      await sink.send(batch)
      sent += batch.length
      if (sent === EVENTS) break
    }
  } finally {
    await sink.close()
  }
}

/** What one uninterrupted pass of the same engine writes, from the raw topic as Kafka holds it. */
function expectedOutput(statements: readonly string[], input: readonly ConsumedRecord[]) {
  const engine = createEngine({ properties: { 'ksql.service.id': serviceId } })
  engine.createTopic(rawTopic, 1)
  for (const sql of statements) engine.execute(sql, { properties: PROPERTIES })
  for (const r of input)
    engine.produce({ topic: rawTopic, key: r.key, value: r.value, timestamp: r.timestamp })
  return engine
}

/** Every committed record of `topics` (read_committed), in one consumer: one group join, not one per topic. */
async function readTopics(
  topics: readonly string[],
  groupId: string,
): Promise<Map<string, ConsumedRecord[]>> {
  const admin = ports.admin()
  const ends = new Map<string, bigint>()
  const startAt = []
  try {
    for (const topic of topics)
      for (const o of await admin.topicOffsets(topic)) {
        if (o.high > o.low) ends.set(`${topic}:${o.partition}`, o.high)
        startAt.push({ topic, partition: o.partition, offset: o.low })
      }
  } finally {
    await admin.close()
  }
  const records = new Map<string, ConsumedRecord[]>(topics.map((t) => [t, []]))
  const controller = new AbortController()
  const source = ports.source({ groupId, isolation: 'read_committed' })
  try {
    if (ends.size > 0)
      await source.run({
        topics,
        startAt,
        signal: controller.signal,
        eachBatch: async (batch) => {
          const key = `${batch.topic}:${batch.partition}`
          const end = ends.get(key)
          if (end === undefined) return
          records.get(batch.topic)?.push(...batch.records.filter((r) => r.offset < end))
          if (batch.nextOffset >= end) ends.delete(key)
          if (ends.size === 0) controller.abort()
          await Promise.resolve()
        },
      })
  } finally {
    await source.close()
  }
  return records
}

const hex = (b: Buffer | null): string => (b === null ? '-' : b.toString('hex'))

function lastPerKey(records: readonly { key: Buffer | null; value: Buffer | null }[]): Map<string, string> {
  const latest = new Map<string, string>()
  for (const r of records) latest.set(hex(r.key), hex(r.value))
  return latest
}

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-ksql-kill' })
  const admin = ports.admin()
  try {
    await admin.createTopics([{ name: rawTopic, partitions: 1, config: { 'retention.ms': '-1' } }])
  } finally {
    await admin.close()
  }
  // The server's own "stack": a state dir whose Kafka pid is the test stack's broker.
  stateDir = join(inject('stack').workDir, `ksql-kill-${run}`)
  const kafkaPid = nativePaths(stateDir).kafkaPid
  await mkdir(join(stateDir, 'run'), { recursive: true })
  await writeFile(kafkaPid, await readFile(nativePaths(inject('stack').stateDir).kafkaPid))
  port = await freePort()
})

afterAll(async () => {
  if (pid !== undefined && isAlive(pid)) await stopProcess(pid, 10_000)
  await rm(stateDir, { recursive: true, force: true })
})

describe('embedded ksqlDB server under kill -9', () => {
  // Generous: about a minute here, but CI machines are shared.
  it(
    'ends with the output of an uninterrupted run after SIGKILLs at 5 random points',
    { timeout: 400_000 },
    async () => {
      const statements = await labStatements()
      await startServer()
      for (const sql of statements) await ksql(sql)
      await produceEvents()

      const random = seededRandom(20251124)
      const targets = Array.from({ length: KILLS }, () => Math.floor(EVENTS * (0.05 + 0.9 * random()))).sort(
        (a, b) => a - b,
      )
      for (const target of targets) {
        await waitCommitted(target, 50)
        // Land anywhere inside the next batch's processing or transaction, not just after a commit.
        await sleep(Math.floor(random() * 300))
        await kill9()
        await startServer()
      }
      await waitCommitted(EVENTS, 200)

      const input = await readWholeTopic(ports, rawTopic, `it-kill-reader-${run}`)
      expect(input.length).toBe(EVENTS)
      const expected = expectedOutput(statements, input)
      const sinks = expected.sources().filter((s) => s.topic.startsWith(prefix))
      expect(sinks.map((s) => s.name).sort()).toEqual(SINKS)
      await settledEnds(sinks.map((s) => s.topic))
      const written = await readTopics(
        sinks.map((s) => s.topic),
        `it-kill-sinks-reader-${run}`,
      )
      for (const sink of sinks) {
        const actual = written.get(sink.topic) ?? []
        const wanted = expected.records(sink.topic)
        if (sink.type === 'TABLE') {
          expect(lastPerKey(actual), sink.name).toEqual(lastPerKey(wanted))
          // The cache did its job: per batch one update per key, not one per event.
          if (sink.name === 'CACHED_TOTALS') expect(actual.length).toBeLessThan(wanted.length / 10)
          continue
        }
        const shape = (r: { key: Buffer | null; value: Buffer | null; timestamp: number }) =>
          `${hex(r.key)} ${hex(r.value)} ${r.timestamp}`
        expect(actual.length, `${sink.name}: records (no duplicates, none lost)`).toBe(wanted.length)
        expect(actual.map(shape), sink.name).toEqual(wanted.map(shape))
      }

      // Its stack is gone once the marker is: the server must stop by itself.
      const last = pid as number
      await rm(ksqldbPaths(stateDir).marker)
      for (let i = 0; i < 300 && isAlive(last); i++) await sleep(100)
      expect(isAlive(last), 'server still running 30 s after its stack marker was deleted').toBe(false)
      pid = undefined
    },
  )
})
