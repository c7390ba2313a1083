import { randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import type { KafkaPorts, TopicAdmin } from '../../src/kafka/ports.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import { createExecaRunner } from '../../src/stack/command-runner.ts'
import { createNativeStack } from '../../src/stack/native/native-stack.ts'
import { readPidFile, stopProcess } from '../../src/stack/native/processes.ts'
import { waitFor } from './helpers/wait.ts'
import {
  closeWarehouseStack,
  dip,
  openMysql,
  openWarehouseStack,
  sleep,
  storedOffsets,
  storedTotal,
  tableDescription,
  tableRows,
  writeWarehouseConfig,
  type KsqlStub,
} from './warehouse-helpers.ts'

/**
 * Exactly-once under failures: the sink runs as a child process (`node bin/dip.js`) and is killed
 * with SIGKILL while it writes, or MariaDB is stopped and restarted under it; afterwards MySQL
 * must hold exactly the last value of every key and dip_offsets the end of every partition.
 */
let kafka: KafkaPorts
let admin: TopicAdmin
let pool: MysqlPool
let ksql: KsqlStub
const KEYS = 300
const PARTITIONS = 3

beforeAll(async () => {
  ;({ kafka, admin, pool, ksql } = await openWarehouseStack(inject('stack'), 'dip-it-warehouse-crash'))
})

afterAll(() => closeWarehouseStack({ admin, pool, ksql }))

/** Produces `count` updates spread over KEYS keys; returns the last value per key. */
function createProducer(topic: string) {
  const last = new Map<string, number>()
  let seq = 0
  return {
    last,
    async send(count: number) {
      const sink = kafka.sink()
      try {
        for (let done = 0; done < count; done += 1000) {
          const records = Array.from({ length: Math.min(1000, count - done) }, () => {
            seq += 1
            const key = `K${String(randomInt(KEYS)).padStart(4, '0')}`
            last.set(key, seq)
            return { topic, key, value: JSON.stringify({ SEQ: seq, NOTE: `update ${seq} of ${key}` }) }
          })
          await sink.send(records)
        }
      } finally {
        await sink.close()
      }
    },
  }
}

async function prepareTopic(name: string) {
  const topic = `${name}_${process.pid}`
  ksql.register(
    tableDescription({
      name: topic,
      topic,
      key: { ID: { type: 'STRING' } },
      value: { SEQ: { type: 'BIGINT' }, NOTE: { type: 'STRING' } },
    }),
  )
  await admin.createTopics([{ name: topic, partitions: PARTITIONS }])
  const config = await writeWarehouseConfig(inject('stack'), topic, { ksql: { url: ksql.url } })
  return { topic, table: topic.toLowerCase(), config }
}

function totalStored(consumer: string, topic: string): Promise<bigint> {
  return storedTotal(pool, consumer, topic, -1n) // -1: MySQL down or the table not created yet
}

async function expectExactlyOnce(topic: string, table: string, consumer: string, last: Map<string, number>) {
  const rows = await tableRows(pool, `SELECT id, seq FROM \`${table}\` ORDER BY id`)
  const expected = [...last]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, seq]) => ({ id, seq: String(seq) }))
  expect(rows).toEqual(expected)
  const high = await admin.topicOffsets(topic)
  expect(await storedOffsets(pool, consumer, topic)).toEqual(
    new Map(high.filter((p) => p.high > 0n).map((p) => [p.partition, p.high])),
  )
}

describe('dip consume warehouse under failures', () => {
  it('killed with SIGKILL at random points while writing, then restarted, writes each record exactly once', async () => {
    const { topic, table, config } = await prepareTopic('WH_KILL')
    const consumer = 'kill-test'
    const producer = createProducer(topic)
    const args = [
      'consume',
      'warehouse',
      '--auto-create',
      '--topics',
      topic,
      '--consumer',
      consumer,
      '--max-rows',
      '100',
      // Small transactions: many commit points to be killed between, and a backlog that lasts.
      '--records-per-write',
      '100',
    ]
    // Rounds until the sink was killed 5 times with records still to write (at most 25 rounds).
    // Each kill comes right after the first write of its round, so what a round adds is mostly
    // backlog for the next: a few thousand records keep every kill mid-work without making the final
    // catch-up run long.
    let killedMidWork = 0
    for (let round = 0; round < 25 && killedMidWork < 5; round += 1) {
      await producer.send(3000)
      const stored = await totalStored(consumer, topic)
      const before = stored < 0n ? 0n : stored
      // A SIGKILLed member holds its partitions until its session times out (30 s); the position
      // lives in MySQL, so each restart may use a fresh consumer group without losing anything.
      const child = dip(config, [...args, '--group', `dip-kill-test-${process.pid}-${round}`], {
        timeoutMs: 0,
      })
      // Kill once this process has written at least one batch, a random moment later, while more
      // records keep arriving.
      await waitFor('the sink to make progress', async () => (await totalStored(consumer, topic)) > before)
      const writing = producer.send(1000)
      await sleep(randomInt(0, 150))
      const high = (await admin.topicOffsets(topic)).reduce((sum, p) => sum + p.high, 0n)
      const atKill = await totalStored(consumer, topic)
      child.kill('SIGKILL')
      const result = await child
      expect(result.signal).toBe('SIGKILL')
      await writing
      if (atKill < high) killedMidWork += 1
    }
    expect(killedMidWork).toBeGreaterThanOrEqual(5)

    const finish = await dip(config, [
      ...args.filter((a) => a !== '--auto-create'),
      '--group',
      `dip-kill-test-${process.pid}-final`,
      '--batch',
      '--json',
    ])
    expect(finish.exitCode, finish.stderr).toBe(0)
    expect(JSON.parse(finish.stdout)).toMatchObject({ mode: 'batch' })
    await expectExactlyOnce(topic, table, consumer, producer.last)
  }, 300_000)

  it('keeps going when MariaDB stops and restarts mid-run: nothing lost, nothing duplicated', async () => {
    const stack = inject('stack')
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')))
    const native = createNativeStack({
      loaded: loadConfig({ file: stack.configFile, env }),
      runner: createExecaRunner(),
      env,
    })
    const { topic, table, config } = await prepareTopic('WH_DBRESTART')
    const consumer = 'restart-test'
    const producer = createProducer(topic)
    await producer.send(3000)
    const child = dip(config, [
      'consume',
      'warehouse',
      '--auto-create',
      '--topics',
      topic,
      '--consumer',
      consumer,
      '--max-rows',
      '100',
    ])
    try {
      await waitFor('the sink to make progress', async () => (await totalStored(consumer, topic)) > 0n)
      const writing = producer.send(6000)
      const state = readPidFile(native.paths.mysqlPid, native.paths.mysqlDataDir)
      if (state.kind !== 'running') throw new Error(`MariaDB is not running (${state.kind})`)
      await stopProcess(state.pid, 30_000)
      await writing
      await sleep(2000)
      await native.up({ timeoutMs: 120_000 })
      // The test's own pool lost its connections with the server.
      await pool.end().catch(() => undefined)
      pool = await openMysql(stack)
      const high = (await admin.topicOffsets(topic)).reduce((sum, p) => sum + p.high, 0n)
      await waitFor(
        'the sink to catch up after the restart',
        async () => (await totalStored(consumer, topic)) === high,
      )
    } finally {
      child.kill('SIGTERM')
    }
    const stopAsked = Date.now()
    const result = await child
    expect(
      result.exitCode,
      `${result.signal ?? ''} after ${Date.now() - stopAsked} ms: ${result.stderr}`,
    ).toBe(0)
    expect(result.stderr).toMatch(/MySQL unavailable/)
    await expectExactlyOnce(topic, table, consumer, producer.last)
  }, 300_000)

  it('keeps going when the broker stops and restarts mid-run: nothing lost, nothing duplicated', async () => {
    const stack = inject('stack')
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')))
    const native = createNativeStack({
      loaded: loadConfig({ file: stack.configFile, env }),
      runner: createExecaRunner(),
      env,
    })
    const { topic, table, config } = await prepareTopic('WH_KAFKARESTART')
    const consumer = 'broker-restart-test'
    const producer = createProducer(topic)
    await producer.send(3000)
    const child = dip(
      config,
      [
        'consume',
        'warehouse',
        '--auto-create',
        '--topics',
        topic,
        '--consumer',
        consumer,
        '--max-rows',
        '100',
      ],
      { timeoutMs: 0 },
    )
    try {
      await waitFor('the sink to make progress', async () => (await totalStored(consumer, topic)) > 0n)
      const state = readPidFile(native.paths.kafkaPid, native.paths.kafkaConfig)
      if (state.kind !== 'running') throw new Error(`the broker is not running (${state.kind})`)
      await stopProcess(state.pid, 60_000)
      await sleep(2000)
      await native.up({ timeoutMs: 120_000 })
      await producer.send(3000)
      const high = (await admin.topicOffsets(topic)).reduce((sum, p) => sum + p.high, 0n)
      await waitFor(
        'the sink to catch up after the restart',
        async () => (await totalStored(consumer, topic)) === high,
        { timeoutMs: 150_000, pollMs: 50 },
      )
    } finally {
      child.kill('SIGTERM')
    }
    const result = await child
    expect(result.exitCode, `${result.signal ?? ''}: ${result.stderr}`).toBe(0)
    await expectExactlyOnce(topic, table, consumer, producer.last)
  }, 300_000)
})
