/**
 * `npm run bench -- kafka-clients [--events 100000] [--batch 1000]`: the Kafka client question in
 * one run, against the broker of the current config (`dip up` first). The same lab events through
 * kafkajs 2.2.4 with dip's fixes (src/kafka/kafkajs-speedups.ts, as every dip command runs it) and
 * through @platformatic/kafka 1.35, each with its own topics:
 *
 *   produce        idempotent, acks=all, sends of --batch records one after the other
 *   consume        the produced topic from the beginning with a new group, until every record is read
 *   transactions   consume → produce in one transaction per --batch records, the input offsets
 *                  committed in the transaction (kafkajs sendOffsets, platformatic addOffset)
 *
 * Records per second; higher is better. Each client runs twice, alternating; the better run counts.
 */
import { createRequire } from 'node:module'
import type * as KafkajsModule from 'kafkajs'
import type { Batch } from 'kafkajs'
import type { Message as PlatformaticMessage } from '@platformatic/kafka'
import { installKafkajsSpeedups } from '../src/kafka/kafkajs-speedups.ts'
import { intFlag, loadAverage, machineFacts, round2, tableLines } from './bench-args.ts'

// Before anything loads kafkajs: the fixes are part of "today's kafkajs".
installKafkajsSpeedups()
const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as typeof KafkajsModule
const platformatic = await import('@platformatic/kafka')
const { loadConfig } = await import('../src/config/load-config.ts')
const { labValues } = await import('./engine-kafka.ts')

const log = (line: string) => void process.stderr.write(`${line}\n`)

type Scenario = 'produce' | 'consume' | 'transactions'
type ClientName = 'kafkajs 2.2.4 + fixes' | '@platformatic/kafka 1.35'

interface Row {
  readonly client: ClientName
  readonly scenario: Scenario
  readonly records: number
  readonly seconds: number
  readonly recordsPerSecond: number
}

interface ClientBench {
  readonly name: ClientName
  produce(topic: string, values: readonly Buffer[], batch: number): Promise<void>
  consume(topic: string, group: string, expected: number): Promise<void>
  transactions(input: string, output: string, group: string, expected: number, batch: number): Promise<void>
}

export async function runBench(args: readonly string[]): Promise<unknown> {
  const events = intFlag(args, '--events', 100_000)
  const batch = intFlag(args, '--batch', 1000)
  const brokers = [...loadConfig().config.kafka.brokers]
  const loadBefore = loadAverage()
  const values = labValues(events)
  const clients = [kafkajsBench(brokers), platformaticBench(brokers)]
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin()
  await admin.connect()
  const rows: Row[] = []
  const created: string[] = []
  try {
    for (const round of [1, 2]) {
      for (const client of round === 1 ? clients : [...clients].reverse()) {
        const tag = `bench_kc_${client.name.startsWith('kafkajs') ? 'kjs' : 'plt'}_${round}_${Date.now().toString(36)}`
        const [input, output] = [`${tag}_in`, `${tag}_out`]
        await admin.createTopics({ topics: [input, output].map((topic) => ({ topic, numPartitions: 1 })) })
        created.push(input, output)
        log(`round ${round}: ${client.name}`)
        rows.push(await timed(client.name, 'produce', events, () => client.produce(input, values, batch)))
        rows.push(
          await timed(client.name, 'consume', events, () => client.consume(input, `${tag}_c`, events)),
        )
        rows.push(
          await timed(client.name, 'transactions', events, () =>
            client.transactions(input, output, `${tag}_t`, events, batch),
          ),
        )
      }
    }
  } finally {
    await admin.deleteTopics({ topics: created }).catch(() => undefined)
    await admin.disconnect()
  }
  const best = bestOf(rows)
  const table = tableLines(
    ['scenario', ...clients.map((c) => `${c.name} (records/s)`), 'platformatic / kafkajs'],
    (['produce', 'consume', 'transactions'] as const).map((scenario) => {
      const [a, b] = clients.map((c) => best.get(`${c.name}|${scenario}`)?.recordsPerSecond ?? 0)
      return [scenario, String(a), String(b), String(round2((b ?? 0) / (a ?? 1)))]
    }),
    (i) => i > 0,
  )
  for (const line of table) log(line)
  return { events, batch, machine: machineFacts(loadBefore), rows, table }
}

async function timed(
  client: ClientName,
  scenario: Scenario,
  records: number,
  run: () => Promise<void>,
): Promise<Row> {
  const started = process.hrtime.bigint()
  await run()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const row = {
    client,
    scenario,
    records,
    seconds: round2(seconds),
    recordsPerSecond: Math.round(records / seconds),
  }
  log(`  ${scenario}: ${row.recordsPerSecond} records/s (${row.seconds} s)`)
  return row
}

function bestOf(rows: readonly Row[]): Map<string, Row> {
  const best = new Map<string, Row>()
  for (const row of rows) {
    const key = `${row.client}|${row.scenario}`
    const seen = best.get(key)
    if (seen === undefined || row.recordsPerSecond > seen.recordsPerSecond) best.set(key, row)
  }
  return best
}

function kafkajsBench(brokers: string[]): ClientBench {
  const kafka = new kafkajs.Kafka({
    clientId: 'dip-bench-kafkajs',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  })
  const readAll = async (
    topic: string,
    group: string,
    expected: number,
    onBatch: (batch: Batch) => Promise<void>,
  ) => {
    const consumer = kafka.consumer({ groupId: group, readUncommitted: false })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    let seen = 0
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            await onBatch(batch)
            seen += batch.messages.length
            if (seen >= expected) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
  }
  return {
    name: 'kafkajs 2.2.4 + fixes',
    async produce(topic, values, batch) {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
      await producer.connect()
      for (let at = 0; at < values.length; at += batch)
        await producer.send({
          topic,
          acks: -1,
          messages: values.slice(at, at + batch).map((value) => ({ value })),
        })
      await producer.disconnect()
    },
    async consume(topic, group, expected) {
      await readAll(topic, group, expected, async () => undefined)
    },
    async transactions(input, output, group, expected) {
      const producer = kafka.producer({
        transactionalId: `${group}_tx`,
        idempotent: true,
        maxInFlightRequests: 1,
      })
      await producer.connect()
      await readAll(input, group, expected, async (batch) => {
        const last = batch.messages.at(-1)
        if (last === undefined) return
        const tx = await producer.transaction()
        await tx.send({
          topic: output,
          messages: batch.messages.map((m) => ({ key: m.key, value: m.value })),
        })
        await tx.sendOffsets({
          consumerGroupId: group,
          topics: [
            {
              topic: input,
              partitions: [{ partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }],
            },
          ],
        })
        await tx.commit()
      })
      await producer.disconnect()
    },
  }
}

function platformaticBench(brokers: string[]): ClientBench {
  const base = { clientId: 'dip-bench-platformatic', bootstrapBrokers: brokers }
  const readAll = async (
    topic: string,
    group: string,
    expected: number,
    onBatch: (messages: PlatformaticMessage[]) => Promise<void>,
    batch = 1000,
  ) => {
    const consumer = new platformatic.Consumer({
      ...base,
      groupId: group,
      isolationLevel: platformatic.FetchIsolationLevels.READ_COMMITTED,
    })
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
    let seen = 0
    let pending: PlatformaticMessage[] = []
    for await (const message of stream) {
      pending.push(message)
      seen++
      if (pending.length >= batch || seen >= expected) {
        await onBatch(pending)
        pending = []
      }
      if (seen >= expected) break
    }
    await stream.close()
    return consumer
  }
  return {
    name: '@platformatic/kafka 1.35',
    async produce(topic, values, batch) {
      const producer = new platformatic.Producer({ ...base, idempotent: true, acks: -1 })
      for (let at = 0; at < values.length; at += batch)
        await producer.send({ messages: values.slice(at, at + batch).map((value) => ({ topic, value })) })
      await producer.close()
    },
    async consume(topic, group, expected) {
      const consumer = await readAll(topic, group, expected, async () => undefined)
      await consumer.close()
    },
    async transactions(input, output, group, expected, batch) {
      const producer = new platformatic.Producer({
        ...base,
        idempotent: true,
        acks: -1,
        transactionalId: `${group}_tx`,
      })
      const consumer = new platformatic.Consumer({
        ...base,
        groupId: group,
        isolationLevel: platformatic.FetchIsolationLevels.READ_COMMITTED,
      })
      const stream = await consumer.consume({ topics: [input], mode: 'earliest', autocommit: false })
      let seen = 0
      let pending: PlatformaticMessage[] = []
      const flush = async () => {
        const last = pending.at(-1)
        if (last === undefined) return
        const tx = await producer.beginTransaction()
        await tx.addConsumer(consumer)
        await tx.send({ messages: pending.map((m) => ({ topic: output, key: m.key, value: m.value })) })
        await tx.addOffset(last)
        await tx.commit()
        pending = []
      }
      for await (const message of stream) {
        pending.push(message)
        seen++
        if (pending.length >= batch || seen >= expected) await flush()
        if (seen >= expected) break
      }
      await stream.close()
      await consumer.close()
      await producer.close()
    },
  }
}
