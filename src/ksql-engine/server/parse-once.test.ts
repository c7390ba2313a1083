import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createInMemoryBroker } from '../../kafka/in-memory-broker.ts'
import { createEngine } from '../engine.ts'
import { createKafkaBackend, type KafkaBackend } from '../kafka-bridge/kafka-backend.ts'
import type * as Parser from '../parser/parser.ts'
import { parseStatement } from '../parser/parser.ts'
import { inMemoryBackend } from './ksql-backend.ts'
import { startKsqlServer, type RunningKsqlServer } from './ksql-server.ts'

// The real parser, watched: every statement of a request is parsed once, whatever validates and
// runs it afterwards (the server's checks, the sandbox, the Kafka topic pre-creation, the real run).
vi.mock('../parser/parser.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof Parser>()
  return { ...actual, parseStatement: vi.fn(actual.parseStatement) }
})

const parses = vi.mocked(parseStatement)
let server: RunningKsqlServer | undefined
let kafka: KafkaBackend | undefined

beforeEach(() => {
  parses.mockClear()
})

afterEach(async () => {
  await server?.close()
  await kafka?.stop()
  server = undefined
  kafka = undefined
})

async function post(path: string, body: object): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server?.url ?? ''}${path}`, { method: 'POST', body: JSON.stringify(body) })
  return { status: response.status, text: await response.text() }
}

/** The statements the parser saw since `from`, as their text. */
function parsedSince(from: number): string[] {
  return parses.mock.calls.slice(from).map(([slice]) => slice.text)
}

const REQUEST = [
  "CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
  "DEFINE wanted = 'b';",
  "CREATE STREAM picked AS SELECT * FROM s WHERE name = '${wanted}';",
  "INSERT INTO s (id, name) VALUES (1, 'a');",
  "INSERT INTO s (id, name) VALUES (2, 'b');",
  'SHOW STREAMS;',
].join('\n')

describe('a request is parsed once', () => {
  it('parses each statement of a /ksql request once, with the variables its earlier statements define', async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    const before = parses.mock.calls.length
    const response = await post('/ksql', {
      ksql: REQUEST,
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    })
    expect(response.status, response.text).toBe(200)
    expect(parsedSince(before)).toEqual([
      "CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
      "DEFINE wanted = 'b';",
      "CREATE STREAM picked AS SELECT * FROM s WHERE name = 'b';",
      "INSERT INTO s (id, name) VALUES (1, 'a');",
      "INSERT INTO s (id, name) VALUES (2, 'b');",
      'SHOW STREAMS;',
    ])
    const entities = JSON.parse(response.text) as Record<string, unknown>[]
    // Each entity names its statement as the request wrote it (DEFINE and INSERT … VALUES have none).
    expect(entities.map((e) => e['statementText'])).toEqual([
      REQUEST.split('\n')[0],
      REQUEST.split('\n')[2],
      'SHOW STREAMS;',
    ])
    const rows = await post('/query-stream', { sql: 'SELECT * FROM picked;' })
    expect(rows.text.trim().split('\n').slice(1)).toEqual(['[2,"b"]'])
  })

  it('parses a pull query on /query once and a push query on /query-stream once', async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    await post('/ksql', { ksql: REQUEST, streamsProperties: { 'auto.offset.reset': 'earliest' } })
    const pullFrom = parses.mock.calls.length
    const pulled = await post('/query', { ksql: 'SELECT name FROM picked;' })
    expect(pulled.text).toContain('"b"')
    expect(parsedSince(pullFrom)).toEqual(['SELECT name FROM picked;'])
    const pushFrom = parses.mock.calls.length
    const pushed = await post('/query-stream', {
      sql: 'SELECT name FROM s EMIT CHANGES LIMIT 2;',
      properties: { 'auto.offset.reset': 'earliest' },
    })
    expect(pushed.text.trim().split('\n').slice(1)).toEqual(['["a"]', '["b"]'])
    expect(parsedSince(pushFrom)).toEqual(['SELECT name FROM s EMIT CHANGES LIMIT 2;'])
  })

  it('parses a /ksql request once on a Kafka backend too, which creates its topics before it runs', async () => {
    kafka = createKafkaBackend({
      engine: createEngine(),
      ports: createInMemoryBroker(),
      serviceId: 'default_',
    })
    await kafka.start()
    server = await startKsqlServer({ backend: kafka, port: 0 })
    const before = parses.mock.calls.length
    const response = await post('/ksql', {
      ksql: REQUEST,
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    })
    expect(response.status, response.text).toBe(200)
    expect(parsedSince(before)).toHaveLength(6)
  })

  it('reports a parse error on /query at its place in the request, as /ksql does', async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    await post('/ksql', { ksql: REQUEST })
    const before = parses.mock.calls.length
    const ksql = JSON.parse((await post('/ksql', { ksql: 'SHOW STREAMS;\n  SELEKT 1;' })).text) as object
    const query = JSON.parse((await post('/query', { ksql: '\n  SELECT * FROM s WHERE;' })).text) as object
    expect(ksql).toMatchObject({ '@type': 'statement_error', statementText: 'SELEKT 1;' })
    expect((ksql as { message: string }).message).toMatch(/^line 2:3: /)
    expect(query).toMatchObject({ '@type': 'statement_error', statementText: 'SELECT * FROM s WHERE;' })
    expect((query as { message: string }).message).toMatch(/^line 2:24: Syntax Error/)
    expect(parses.mock.calls.length - before).toBe(3)
  })

  it('parses each statement of execute(sql) once', () => {
    const engine = createEngine()
    const before = parses.mock.calls.length
    engine.execute(REQUEST, { properties: { 'auto.offset.reset': 'earliest' } })
    expect(parsedSince(before)).toHaveLength(6)
  })
})
