import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../ksql-engine/index.ts'
import { createBasicAuth, parsePasswordFile } from '../ksql-engine/server/basic-auth.ts'
import { inMemoryBackend } from '../ksql-engine/server/ksql-backend.ts'
import { startKsqlServer, type RunningKsqlServer } from '../ksql-engine/server/ksql-server.ts'
import { authHeaders, ksqlCredentials } from './ksql-auth.ts'
import { createKsqlClient } from './ksql-client.ts'
import { runQuery } from './ksql-query.ts'

let server: RunningKsqlServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(): Promise<string> {
  server = await startKsqlServer({
    backend: inMemoryBackend(createEngine()),
    port: 0,
    auth: createBasicAuth(parsePasswordFile('ann: pw1\n', 'password-file')),
  })
  return server.url
}

describe('ksqlCredentials / authHeaders', () => {
  it('sends nothing without a user, HTTP Basic with one', () => {
    expect(ksqlCredentials({ user: '', password: 'x' })).toBeUndefined()
    expect(authHeaders(ksqlCredentials({ user: 'ann', password: 'pw1' }))).toEqual({
      Authorization: `Basic ${Buffer.from('ann:pw1').toString('base64')}`,
    })
  })
})

describe('the ksqlDB clients against a server that requires HTTP Basic', () => {
  it('/ksql and /query work with the credentials', async () => {
    const url = await start()
    const client = createKsqlClient({ url, credentials: { user: 'ann', password: 'pw1' } })
    await client.execute(
      "CREATE STREAM s (id INT KEY, n INT) WITH (kafka_topic='s', value_format='JSON', partitions=1); INSERT INTO s (id, n) VALUES (1, 7);",
    )
    expect((await client.listSources()).map((source) => source.name)).toEqual(['S'])
    const rows: unknown[][] = []
    await runQuery(
      url,
      'SELECT * FROM s EMIT CHANGES LIMIT 1;',
      { 'auto.offset.reset': 'earliest' },
      { onRow: (row) => rows.push([...row]) },
      undefined,
      client.credentials,
    )
    expect(rows).toEqual([[1, 7]])
  })

  it('turns a 401 into an error naming ksqlDB code 40100 and the settings to fix', async () => {
    const url = await start()
    const error = await createKsqlClient({ url })
      .listSources()
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ errorCode: 40100, code: 'DIP_KSQL' })
    expect((error as { hint?: string }).hint).toMatch(/DIP_KSQL_USER, DIP_KSQL_PASSWORD/)
    const wrong = await runQuery(url, 'SELECT * FROM s;', {}, { onRow: () => undefined }, undefined, {
      user: 'ann',
      password: 'nope',
    }).catch((e: unknown) => e)
    expect(wrong).toMatchObject({ errorCode: 40100 })
    expect((wrong as { hint?: string }).hint).toMatch(/refused user "ann"/)
    expect(String((wrong as Error).message)).not.toContain('nope')
  })
})
