import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { runQuery } from '../../src/ksql-client/ksql-query.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import {
  ksqlOk,
  produceValues,
  readTopicUntil,
  startServerUnderTest,
  type ServerUnderTest,
} from './helpers/embedded-ksql.ts'

/**
 * ksqlDB's processing log on the real broker: a record a query cannot read is not dropped
 * silently, it becomes an entry of `<service id>ksql_processing_log` (ksqlDB's record shape) and a
 * row of the KSQL_PROCESSING_LOG stream; and a null-valued record on a stream stays a null value
 * (ksqlDB forwards it; it never becomes a row of NULL columns).
 */
const run = `${process.pid}_${Date.now() % 100000}`
const rawTopic = `it-plog-raw-${run}`
const prefix = `it_plog_${run}_`
const serviceId = `it_plog_${run}_`
const logTopic = `${serviceId}ksql_processing_log`

let ports: KafkaPorts
let sut: ServerUnderTest | undefined

const url = (): string => sut?.server.url ?? ''

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-plog' })
  const admin = ports.admin()
  await admin.createTopics([{ name: rawTopic, partitions: 1 }])
  await admin.close()
  sut = await startServerUnderTest(ports, serviceId, {
    'ksql.output.topic.name.prefix': prefix,
    'ksql.logging.processing.topic.auto.create': 'true',
    'ksql.logging.processing.stream.auto.create': 'true',
  })
  await ksqlOk(
    url(),
    `CREATE STREAM TRANSACTIONS (transaction_id VARCHAR, amount DOUBLE)
       WITH (KAFKA_TOPIC='${rawTopic}', VALUE_FORMAT='JSON');
     CREATE STREAM AMOUNTS AS SELECT transaction_id, amount FROM TRANSACTIONS;`,
  )
})

afterAll(async () => {
  await sut?.server.close()
})

describe('processing log and null values on the embedded server', () => {
  it('logs a record with a wrong type as ksqlDB does, and forwards a null value as a null value', async () => {
    await produceValues(ports, rawTopic, [
      JSON.stringify({ transaction_id: 't1', amount: 'lots' }),
      null,
      JSON.stringify({ transaction_id: 't2', amount: 2.5 }),
    ])
    const sink = await readWholeTopicUntil(`${prefix}AMOUNTS`, 2)
    expect(sink.map((r) => r.value)).toEqual([null, '{"TRANSACTION_ID":"t2","AMOUNT":2.5}'])

    const entries = await readTopicUntil(ports, logTopic, `it-plog-r1-${run}`, (v) => v.length >= 1)
    expect(entries).toHaveLength(1)
    const entry = JSON.parse(entries[0] ?? '{}') as Record<string, unknown>
    expect(entry).toMatchObject({
      level: 'ERROR',
      logger: 'processing.CSAS_AMOUNTS_2.KsqlTopic.Source.deserializer',
      time: expect.any(Number) as unknown,
      message: {
        type: 0,
        deserializationError: {
          target: 'value',
          errorMessage: expect.stringContaining(
            `Failed to deserialize value from topic: ${rawTopic}.`,
          ) as unknown,
          recordB64: null,
          cause: [expect.stringContaining('DOUBLE') as unknown],
          topic: rawTopic,
        },
        recordProcessingError: null,
        productionError: null,
        serializationError: null,
        kafkaStreamsThreadError: null,
      },
    })

    // The stream over the log answers queries like any other.
    const rows: unknown[][] = []
    let columns: readonly string[] = []
    await runQuery(
      url(),
      'SELECT LOGGER, MESSAGE->DESERIALIZATIONERROR->`topic` AS T FROM KSQL_PROCESSING_LOG;',
      {},
      { onHeader: (h) => (columns = h.columnNames), onRow: (row) => rows.push([...row]) },
    )
    expect(columns).toEqual(['LOGGER', 'T'])
    expect(rows).toEqual([['processing.CSAS_AMOUNTS_2.KsqlTopic.Source.deserializer', rawTopic]])
    // And the server's own log says so.
    expect(
      sut?.log.some((line) => line.includes('CSAS_AMOUNTS_2') && line.includes('could not be read')),
    ).toBe(true)
  })
})

async function readWholeTopicUntil(topic: string, count: number) {
  for (let attempt = 0; ; attempt++) {
    const records = (await readWholeTopic(ports, topic, `it-plog-sink-${run}`)).map((r) => ({
      value: r.value?.toString('utf8') ?? null,
    }))
    if (records.length >= count || attempt >= 60) return records
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
