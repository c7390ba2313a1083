import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../index.ts'
import { inMemoryBackend } from './ksql-backend.ts'
import { startKsqlServer, type RunningKsqlServer } from './ksql-server.ts'

let server: RunningKsqlServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function ksql(sql: string): Promise<{ status: number; body: Record<string, unknown>[] }> {
  const response = await fetch(`${server?.url ?? ''}/ksql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown>[] }
}

describe('EXPLAIN and DESCRIBE EXTENDED over /ksql', () => {
  it("answers EXPLAIN with ksqlDB's queryDescription entity, host status included", async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    await ksql(
      "CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=3);",
    )
    const created = await ksql('CREATE STREAM OUT AS SELECT ID, V FROM S;')
    const queryId = (created.body[0]?.['commandStatus'] as { queryId: string }).queryId
    const { status, body } = await ksql(`EXPLAIN ${queryId};`)
    expect(status).toBe(200)
    expect(body[0]?.['@type']).toBe('queryDescription')
    const d = body[0]?.['queryDescription'] as Record<string, unknown>
    expect(d).toMatchObject({
      id: queryId,
      sources: ['S'],
      sinks: ['OUT'],
      queryType: 'PERSISTENT',
      state: 'RUNNING',
      ksqlHostQueryStatus: { [`127.0.0.1:${server.port}`]: 'RUNNING' },
      fields: [
        { name: 'ID', schema: { type: 'STRING' }, type: 'KEY' },
        { name: 'V', schema: { type: 'INTEGER' } },
      ],
    })
    expect(String(d['executionPlan'])).toMatch(/^ > \[ SINK \] \| Schema: ID STRING KEY, V INTEGER/)
    const unknown = await ksql('EXPLAIN CSAS_NOPE_1;')
    expect(unknown.status).toBe(400)
  })

  it('fills DESCRIBE EXTENDED with the real partitions and the counts of the queries reading and writing it', async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    await ksql(
      "CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=3);",
    )
    await ksql('CREATE STREAM OUT AS SELECT ID, V FROM S WHERE V > 1;')
    for (const v of [1, 2, 3]) await ksql(`INSERT INTO S (ID, V) VALUES ('k${v}', ${v});`)
    const source = (await ksql('DESCRIBE S EXTENDED;')).body[0]?.['sourceDescription'] as Record<
      string,
      unknown
    >
    expect(source).toMatchObject({ extended: true, partitions: 3, replication: 1 })
    expect(String(source['statistics'])).toContain('consumer-total-messages:         3 ')
    const sink = (await ksql('DESCRIBE OUT EXTENDED;')).body[0]?.['sourceDescription'] as Record<
      string,
      unknown
    >
    expect(sink).toMatchObject({ partitions: 3, replication: 1 })
    expect(String(sink['statistics'])).toContain('  total-messages:         2 ')
    const plain = (await ksql('DESCRIBE S;')).body[0]?.['sourceDescription'] as Record<string, unknown>
    expect(plain).toMatchObject({ extended: false, partitions: 0, statistics: '' })
  })
})
