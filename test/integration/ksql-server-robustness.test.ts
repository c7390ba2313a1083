import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { commandTopicName } from '../../src/ksql-engine/kafka-bridge/command-log.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import {
  ksqlOk,
  postKsql,
  produceValues,
  readTopicUntil,
  serverAnswers,
  showQueries,
  startServerUnderTest,
  type ServerUnderTest,
} from './helpers/embedded-ksql.ts'

/**
 * No statement or sequence of statements stops the embedded server or another query: the
 * sequences users reported as fatal, on the real broker.
 */
const run = `${process.pid}_${Date.now() % 100000}`
const rawTopic = `it-robust-raw-${run}`
const prefix = `it_robust_${run}_`
const serviceId = `it_robust_${run}_`
const earliest = { 'auto.offset.reset': 'earliest' }

let ports: KafkaPorts
let sut: ServerUnderTest | undefined

const url = (): string => sut?.server.url ?? ''
const event = (id: number, amount: number): string =>
  JSON.stringify({ transaction_id: `t${id}`, amount, transaction_type: 'purchase' })

const byId = (a: unknown, b: unknown): number =>
  String((a as { TRANSACTION_ID: string }).TRANSACTION_ID).localeCompare(
    String((b as { TRANSACTION_ID: string }).TRANSACTION_ID),
  )

beforeAll(async () => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-robust' })
  const admin = ports.admin()
  await admin.createTopics([{ name: rawTopic, partitions: 2 }])
  await admin.close()
  await produceValues(ports, rawTopic, [event(1, 10), event(2, 20)])
  sut = await startServerUnderTest(ports, serviceId, { 'ksql.output.topic.name.prefix': prefix })
  await ksqlOk(
    url(),
    `CREATE STREAM TRANSACTIONS (transaction_id VARCHAR, amount DOUBLE, transaction_type VARCHAR)
       WITH (KAFKA_TOPIC='${rawTopic}', VALUE_FORMAT='JSON');
     CREATE STREAM BIG AS SELECT * FROM TRANSACTIONS WHERE amount > 15;
     CREATE STREAM DOUBLED AS SELECT transaction_id, amount * 2 AS amount FROM TRANSACTIONS;`,
    earliest,
  )
})

afterAll(async () => {
  await sut?.server.close()
})

describe('embedded ksqlDB server: statements that used to stop it', () => {
  it('DROP STREAM … DELETE TOPIC of a running sink, then a new CSAS with TRANSFORM', async () => {
    await readTopicUntil(ports, `${prefix}DOUBLED`, `it-robust-r1-${run}`, (v) => v.length === 2)
    await ksqlOk(url(), 'DROP STREAM DOUBLED DELETE TOPIC;')
    await ksqlOk(
      url(),
      `CREATE STREAM AMOUNTS AS SELECT transaction_id,
         TRANSFORM(ARRAY[amount, amount], x => x * 2) AS amounts FROM TRANSACTIONS;`,
      earliest,
    )
    await produceValues(ports, rawTopic, [event(3, 30)])
    const amounts = await readTopicUntil(ports, `${prefix}AMOUNTS`, `it-robust-r2-${run}`, (v) =>
      v.some((x) => x.includes('"TRANSACTION_ID":"t3"')),
    )
    expect(amounts.map((v) => JSON.parse(v) as unknown).sort(byId)).toEqual([
      { TRANSACTION_ID: 't1', AMOUNTS: [20, 20] },
      { TRANSACTION_ID: 't2', AMOUNTS: [40, 40] },
      { TRANSACTION_ID: 't3', AMOUNTS: [60, 60] },
    ])
    const big = await readTopicUntil(ports, `${prefix}BIG`, `it-robust-r3-${run}`, (v) => v.length === 2)
    expect(big).toHaveLength(2)
    expect(await serverAnswers(url())).toBe(true)
    expect(sut?.fatal).toEqual([])
    expect((await showQueries(url())).map((q) => [q.id, q.state]).sort()).toEqual([
      ['CSAS_AMOUNTS_5', 'RUNNING'],
      ['CSAS_BIG_2', 'RUNNING'],
    ])
  })

  it('DROP STREAM … DELETE TOPIC and a new sink of the same name in one request', async () => {
    await ksqlOk(
      url(),
      `DROP STREAM AMOUNTS DELETE TOPIC;
       CREATE STREAM AMOUNTS AS SELECT transaction_id,
         TRANSFORM(ARRAY[amount, amount], x => x * 2) AS amounts FROM TRANSACTIONS;`,
      earliest,
    )
    const amounts = await readTopicUntil(
      ports,
      `${prefix}AMOUNTS`,
      `it-robust-r7-${run}`,
      (v) => v.length >= 3,
    )
    expect(amounts.map((v) => JSON.parse(v) as unknown).sort(byId)).toEqual([
      { TRANSACTION_ID: 't1', AMOUNTS: [20, 20] },
      { TRANSACTION_ID: 't2', AMOUNTS: [40, 40] },
      { TRANSACTION_ID: 't3', AMOUNTS: [60, 60] },
    ])
    expect((await showQueries(url())).map((q) => [q.id, q.state]).sort()).toEqual([
      ['CSAS_AMOUNTS_7', 'RUNNING'],
      ['CSAS_BIG_2', 'RUNNING'],
    ])
    expect(sut?.fatal).toEqual([])
  })

  it('a sink topic deleted under its running query fails that query alone (ERROR, with its error)', async () => {
    const admin = ports.admin()
    try {
      await admin.deleteTopics([`${prefix}BIG`])
    } finally {
      await admin.close()
    }
    await produceValues(ports, rawTopic, [event(4, 40)])
    const amounts = await readTopicUntil(ports, `${prefix}AMOUNTS`, `it-robust-r4-${run}`, (v) =>
      v.some((x) => x.includes('"TRANSACTION_ID":"t4"')),
    )
    expect(amounts).toHaveLength(4)
    const queries = await showQueries(url())
    const big = queries.find((q) => q.id === 'CSAS_BIG_2')
    expect(big?.state).toBe('ERROR')
    expect(big?.statusCount).toEqual({ ERROR: 1 })
    expect(big?.queryErrors?.[0]).toMatchObject({
      type: 'USER',
      errorMessage: expect.stringContaining(`${prefix}BIG`) as unknown,
    })
    expect(queries.find((q) => q.id === 'CSAS_AMOUNTS_7')?.state).toBe('RUNNING')
    expect(await serverAnswers(url())).toBe(true)
    expect(sut?.fatal).toEqual([])
    // The failed query goes away like any other.
    await ksqlOk(url(), 'TERMINATE CSAS_BIG_2;')
    expect((await showQueries(url())).map((q) => q.id)).not.toContain('CSAS_BIG_2')
  })

  it("a CSAS whose sink topic Kafka cannot have fails with ksqlDB's error and leaves nothing behind", async () => {
    const commandTopic = commandTopicName(serviceId)
    const commandsBefore = (await readWholeTopic(ports, commandTopic, `it-robust-c1-${run}`)).length
    const queriesBefore = await showQueries(url())
    const bad = await postKsql(
      url(),
      "CREATE STREAM BADSINK WITH (kafka_topic='bad topic!') AS SELECT * FROM TRANSACTIONS;",
    )
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      message: expect.stringContaining(
        'Topic name "bad topic!" is illegal, it contains a character other than ASCII alphanumerics',
      ) as unknown,
      statementText: expect.stringContaining('BADSINK') as unknown,
    })
    // Kafka itself refusing the topic (no partitions) fails the same way, before anything runs.
    const refused = await postKsql(
      url(),
      'CREATE STREAM ZEROPARTS WITH (PARTITIONS=0) AS SELECT * FROM TRANSACTIONS;',
    )
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ '@type': 'statement_error', error_code: 40001 })
    expect(await showQueries(url())).toEqual(queriesBefore)
    const [streams] = (await ksqlOk(url(), 'SHOW STREAMS;')) as { streams: { name: string }[] }[]
    expect(streams?.streams.map((s) => s.name)).not.toContain('BADSINK')
    expect(streams?.streams.map((s) => s.name)).not.toContain('ZEROPARTS')
    expect(await readWholeTopic(ports, commandTopic, `it-robust-c2-${run}`)).toHaveLength(commandsBefore)
    // The next record still flows through the surviving queries; the server keeps serving.
    await produceValues(ports, rawTopic, [event(5, 50)])
    const amounts = await readTopicUntil(ports, `${prefix}AMOUNTS`, `it-robust-r5-${run}`, (v) =>
      v.some((x) => x.includes('"TRANSACTION_ID":"t5"')),
    )
    expect(amounts).toHaveLength(5)
    expect(await serverAnswers(url())).toBe(true)
    expect(sut?.fatal).toEqual([])
  })

  it('a source topic deleted under its running query fails that query alone', async () => {
    const otherTopic = `it-robust-other-${run}`
    const admin = ports.admin()
    try {
      await admin.createTopics([{ name: otherTopic, partitions: 1 }])
    } finally {
      await admin.close()
    }
    await ksqlOk(
      url(),
      `CREATE STREAM OTHER (transaction_id VARCHAR, amount DOUBLE) WITH (KAFKA_TOPIC='${otherTopic}', VALUE_FORMAT='JSON');
       CREATE STREAM OTHER_COPY AS SELECT * FROM OTHER;`,
    )
    await produceValues(ports, otherTopic, [event(100, 1)])
    await readTopicUntil(ports, `${prefix}OTHER_COPY`, `it-robust-o1-${run}`, (v) => v.length === 1)
    const dropper = ports.admin()
    try {
      await dropper.deleteTopics([otherTopic])
    } finally {
      await dropper.close()
    }
    await produceValues(ports, rawTopic, [event(6, 60)])
    const amounts = await readTopicUntil(ports, `${prefix}AMOUNTS`, `it-robust-r6-${run}`, (v) =>
      v.some((x) => x.includes('"TRANSACTION_ID":"t6"')),
    )
    expect(amounts).toHaveLength(6)
    const copy = (await showQueries(url())).find((q) => q.sinks.includes('OTHER_COPY'))
    expect(copy?.state).toBe('ERROR')
    expect(copy?.queryErrors?.[0]?.errorMessage).toContain(otherTopic)
    expect(await serverAnswers(url())).toBe(true)
    expect(sut?.fatal).toEqual([])
  })
})
