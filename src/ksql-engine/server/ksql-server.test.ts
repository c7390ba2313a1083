import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../index.ts'
import { createBasicAuth, parsePasswordFile } from './basic-auth.ts'
import { inMemoryBackend } from './ksql-backend.ts'
import { startKsqlServer, type RunningKsqlServer } from './ksql-server.ts'

let server: RunningKsqlServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(): Promise<RunningKsqlServer> {
  server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
  return server
}

async function post(path: string, body: unknown, accept?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server?.url ?? ''}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/vnd.ksql.v1+json',
      ...(accept === undefined ? {} : { Accept: accept }),
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, text: await response.text() }
}

/** /query's array, as ksqlDB writes it: every element followed by `,\n`, even the last before `]`. */
function queryElements(text: string): object[] {
  return JSON.parse(text.replace(/,\s*\]\s*$/, ']')) as object[]
}

const CREATE =
  "CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);"

describe('ksqlDB REST server over the embedded engine', () => {
  it('answers /info and /healthcheck with ksqlDB shapes', async () => {
    const { url } = await start()
    const info = (await (await fetch(`${url}/info`)).json()) as { KsqlServerInfo: Record<string, unknown> }
    expect(info.KsqlServerInfo).toMatchObject({ ksqlServiceId: 'default_', serverStatus: 'RUNNING' })
    const health = await fetch(`${url}/healthcheck`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ isHealthy: true, serverState: 'READY' })
  })

  it('returns one currentStatus entity per statement with quoted create commandIds', async () => {
    await start()
    const created = await post('/ksql', {
      ksql: `${CREATE} CREATE STREAM s2 AS SELECT * FROM s; SHOW STREAMS;`,
    })
    expect(created.status).toBe(200)
    const entities = JSON.parse(created.text) as Record<string, unknown>[]
    expect(entities.map((e) => e['@type'])).toEqual(['currentStatus', 'currentStatus', 'streams'])
    expect(entities[0]).toMatchObject({
      commandId: 'stream/`S`/create',
      commandStatus: { message: 'Stream created' },
    })
    expect(entities[1]?.['commandStatus']).toMatchObject({
      status: 'SUCCESS',
      queryId: expect.stringMatching(/^CSAS_S2_/),
    })
    expect((entities[2]?.['streams'] as { name: string }[]).map((s) => s.name).sort()).toEqual(['S', 'S2'])
    const dropped = await post('/ksql', { ksql: 'DROP STREAM s2;' })
    expect(JSON.parse(dropped.text)[0]).toMatchObject({ commandId: 'stream/S2/drop' })
  })

  it('validates the whole request first: one bad statement and nothing runs', async () => {
    await start()
    const bad = await post('/ksql', { ksql: `${CREATE} CREATE STREAM t AS SELECT * FROM missing;` })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.text)).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      statementText: 'CREATE STREAM t AS SELECT * FROM missing;',
      entities: [],
    })
    const listed = JSON.parse((await post('/ksql', { ksql: 'SHOW STREAMS;' })).text) as {
      streams: unknown[]
    }[]
    expect(listed[0]?.streams).toEqual([])
  })

  it('refuses SELECT on /ksql with 40002', async () => {
    await start()
    await post('/ksql', { ksql: CREATE })
    const response = await post('/ksql', { ksql: 'SELECT * FROM s;' })
    expect(response.status).toBe(400)
    expect(JSON.parse(response.text)).toMatchObject({ error_code: 40002 })
  })

  it('serves pull queries on /query and /query-stream', async () => {
    await start()
    const inserted = await post('/ksql', {
      ksql: `${CREATE} INSERT INTO s (id, name) VALUES (1, 'a'); INSERT INTO s (id, name) VALUES (1, 'b');
        INSERT INTO s (id, name) VALUES (2, 'c');`,
    })
    // INSERT … VALUES has no entity in ksqlDB's answer: only the CREATE's.
    expect((JSON.parse(inserted.text) as { statementText: string }[]).map((e) => e.statementText)).toEqual([
      CREATE,
    ])
    await post('/ksql', {
      ksql: 'CREATE TABLE counts AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;',
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    })
    const legacy = await post('/query', { ksql: 'SELECT * FROM counts WHERE id = 1;' })
    expect(legacy.text).toMatch(
      /^\[\{"header":\{"queryId":"transient_COUNTS_\d+","schema":"`ID` INTEGER KEY, `N` BIGINT"\}\},\n/,
    )
    expect(legacy.text).toContain('{"row":{"columns":[1,2]}},\n')
    const stream = await post('/query-stream', { sql: 'SELECT * FROM counts;' })
    const lines = stream.text.trim().split('\n')
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      columnNames: ['ID', 'N'],
      columnTypes: ['INTEGER', 'BIGINT'],
    })
    expect(lines.slice(1).map((l) => JSON.parse(l))).toEqual([
      [1, 2],
      [2, 1],
    ])
    const json = await post(
      '/query-stream',
      { sql: 'SELECT * FROM counts WHERE id = 2;' },
      'application/json',
    )
    expect((JSON.parse(json.text) as unknown[]).slice(1)).toEqual([[2, 1]])
  })

  it('streams push queries until LIMIT, including rows that arrive later', async () => {
    await start()
    await post('/ksql', { ksql: `${CREATE} INSERT INTO s (id, name) VALUES (1, 'old');` })
    const pending = post('/query', { ksql: 'SELECT name FROM s EMIT CHANGES LIMIT 2;' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    await post('/ksql', {
      ksql: "INSERT INTO s (id, name) VALUES (2, 'x'); INSERT INTO s (id, name) VALUES (3, 'y');",
    })
    const { text } = await pending
    expect(text).toContain('{"row":{"columns":["x"]}}')
    expect(text).toContain('{"row":{"columns":["y"]}}')
    expect(text).not.toContain('old')
    expect(text.trim().endsWith('{"finalMessage":"Limit Reached"}]')).toBe(true)
  })

  it('keeps a push query going past the records the engine holds, aggregating as they arrive', async () => {
    // The server on Kafka keeps few records per topic: a push query must not depend on them.
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine({ retainRecords: 2 })), port: 0 })
    await post('/ksql', { ksql: CREATE })
    const names = post('/query', { ksql: 'SELECT name FROM s EMIT CHANGES LIMIT 6;' })
    const counts = post('/query', {
      ksql: 'SELECT name, COUNT(*) AS n FROM s GROUP BY name EMIT CHANGES LIMIT 6;',
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    for (const [id, name] of [1, 2, 3, 4, 5, 6].map((i) => [i, i % 2 === 0 ? 'even' : 'odd']))
      await post('/ksql', { ksql: `INSERT INTO s (id, name) VALUES (${id}, '${name}');` })
    expect(queryElements((await names).text).slice(1)).toEqual([
      ...['odd', 'even', 'odd', 'even', 'odd', 'even'].map((name) => ({ row: { columns: [name] } })),
      { finalMessage: 'Limit Reached' },
    ])
    expect(queryElements((await counts).text).slice(1, -1)).toEqual([
      { row: { columns: ['odd', 1] } },
      { row: { columns: ['even', 1] } },
      { row: { columns: ['odd', 2] } },
      { row: { columns: ['even', 2] } },
      { row: { columns: ['odd', 3] } },
      { row: { columns: ['even', 3] } },
    ])
  })

  it('ends a pull query on a stream with a final message, and one on a table without', async () => {
    await start()
    await post('/ksql', {
      ksql: `${CREATE} INSERT INTO s (id, name) VALUES (1, 'a'); INSERT INTO s (id, name) VALUES (2, 'b');`,
    })
    await post('/ksql', {
      ksql: 'CREATE TABLE latest AS SELECT id, LATEST_BY_OFFSET(name) AS name FROM s GROUP BY id;',
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    })
    const all = queryElements((await post('/query', { ksql: 'SELECT * FROM s;' })).text)
    expect(all.at(-1)).toEqual({ finalMessage: 'Query Completed' })
    const cut = queryElements((await post('/query', { ksql: 'SELECT * FROM s LIMIT 1;' })).text)
    expect(cut.slice(1)).toEqual([{ row: { columns: [1, 'a'] } }, { finalMessage: 'Limit Reached' }])
    const table = (await post('/query', { ksql: 'SELECT * FROM latest;' })).text
    expect(table.endsWith(',\n]\n')).toBe(true)
    expect(queryElements(table).slice(1)).toEqual([
      { row: { columns: [1, 'a'] } },
      { row: { columns: [2, 'b'] } },
    ])
  })

  it("starts push queries at the server's auto.offset.reset and flags table tombstones", async () => {
    const engine = createEngine({ properties: { 'auto.offset.reset': 'earliest' } })
    server = await startKsqlServer({ backend: inMemoryBackend(engine), port: 0 })
    await post('/ksql', {
      ksql: "CREATE TABLE t (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='t', value_format='JSON', partitions=1);",
    })
    await post('/ksql', { ksql: "INSERT INTO t (id, name) VALUES (1, 'a');" })
    const key = Buffer.alloc(4)
    key.writeInt32BE(1)
    engine.produce({ topic: 't', key, value: null, timestamp: 2 })
    const zero = await post('/query', { ksql: 'SELECT * FROM t EMIT CHANGES LIMIT 0;' })
    expect(JSON.parse(zero.text)).toEqual([
      { header: { queryId: expect.any(String), schema: '`ID` INTEGER, `NAME` STRING' } },
      { finalMessage: 'Limit Reached' },
    ])
    const rows = await post('/query', { ksql: 'SELECT * FROM t EMIT CHANGES LIMIT 2;' })
    expect((JSON.parse(rows.text) as object[]).slice(1)).toEqual([
      { row: { columns: [1, 'a'] } },
      { row: { columns: [1, null], tombstone: true } },
      { finalMessage: 'Limit Reached' },
    ])
    // /query-stream drops tombstones: only the first row arrives before LIMIT would need another.
    const stream = await post('/query-stream', { sql: 'SELECT * FROM t EMIT CHANGES LIMIT 2;' })
    expect(stream.text.trim().split('\n').slice(1)).toEqual(['[1,"a"]'])
  })

  it('accepts rows on /inserts-stream', async () => {
    await start()
    await post('/ksql', { ksql: CREATE })
    const response = await fetch(`${server?.url ?? ''}/inserts-stream`, {
      method: 'POST',
      body: '{"target":"S"}\n{"ID":7,"NAME":"z"}\n{"ID":"bad"}\n',
    })
    const acks = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string })
    expect(acks.map((a) => a.status)).toEqual(['ok', 'error'])
    const rows = await post('/query-stream', { sql: 'SELECT * FROM s;' })
    expect(rows.text).toContain('[7,"z"]')
  })

  it('reports command status and 404 for unknown commands', async () => {
    const { url } = await start()
    await post('/ksql', { ksql: CREATE })
    const found = await fetch(`${url}/status/stream/${encodeURIComponent('`S`')}/create`)
    expect(await found.json()).toMatchObject({ status: 'SUCCESS' })
    const missing = await fetch(`${url}/status/stream/NOPE/create`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ '@type': 'generic_error', error_code: 40400 })
  })

  it('stops a /query-stream push query on /close-query', async () => {
    const { url } = await start()
    await post('/ksql', { ksql: CREATE })
    const response = await fetch(`${url}/query-stream`, {
      method: 'POST',
      body: JSON.stringify({ sql: 'SELECT * FROM s EMIT CHANGES;' }),
    })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    const { queryId } = JSON.parse(first.split('\n')[0] ?? '') as { queryId: string }
    const closed = await post('/close-query', { queryId })
    expect(closed.status).toBe(200)
    let done = false
    while (!done) done = (await reader.read()).done
    expect((await post('/close-query', { queryId })).status).toBe(400)
  })
})

describe('ksqlDB REST server with HTTP Basic authentication', () => {
  const users = parsePasswordFile('ann: pw1,admin\n', 'password-file')
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  const request = (path: string, authorization?: string) =>
    fetch(`${server?.url ?? ''}${path}`, {
      method: path === '/ksql' ? 'POST' : 'GET',
      headers: {
        'Content-Type': 'application/vnd.ksql.v1+json',
        ...(authorization === undefined ? {} : { Authorization: authorization }),
      },
      ...(path === '/ksql' ? { body: JSON.stringify({ ksql: 'SHOW STREAMS;' }) } : {}),
    })

  it("answers ksqlDB's 401 without or with wrong credentials, on every endpoint, and serves the right ones", async () => {
    server = await startKsqlServer({
      backend: inMemoryBackend(createEngine()),
      port: 0,
      auth: createBasicAuth(users),
    })
    for (const path of ['/ksql', '/info', '/healthcheck', '/status']) {
      for (const authorization of [undefined, basic('ann', 'wrong'), basic('bob', 'pw1')]) {
        const response = await request(path, authorization)
        expect(response.status, `${path} ${String(authorization)}`).toBe(401)
        expect(response.headers.get('www-authenticate')).toBe('Basic realm="KsqlServer-Props"')
        expect(await response.json()).toEqual({
          '@type': 'generic_error',
          error_code: 40100,
          message: 'Unauthorized',
        })
      }
    }
    const shown = await request('/ksql', basic('ann', 'pw1'))
    expect(shown.status).toBe(200)
    expect(await shown.json()).toMatchObject([{ '@type': 'streams' }])
    expect((await request('/info', basic('ann', 'pw1'))).status).toBe(200)
  })

  it('refuses to listen beyond loopback without authentication', async () => {
    await expect(
      startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0, host: '0.0.0.0' }),
    ).rejects.toThrow(/will not listen on 0\.0\.0\.0 without authentication/)
  })
})
