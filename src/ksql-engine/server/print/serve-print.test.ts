import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../index.ts'
import { inMemoryBackend } from '../ksql-backend.ts'
import { startKsqlServer, type RunningKsqlServer } from '../ksql-server.ts'

let server: RunningKsqlServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server?.url ?? ''}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  })
}

async function ksql(sql: string): Promise<void> {
  const response = await post('/ksql', { ksql: sql, streamsProperties: {} })
  expect(response.status, await response.clone().text()).toBe(200)
}

/** Reads a streamed text body line by line until `enough` says so (then aborts the request). */
async function readLines(response: Response, enough: (lines: string[]) => boolean, stop?: AbortController) {
  const lines: string[] = []
  let buffered = ''
  const decoder = new TextDecoder()
  try {
    for await (const chunk of response.body ?? []) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true })
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      lines.push(...parts.filter((l) => l !== ''))
      if (enough(lines)) {
        stop?.abort()
        break
      }
    }
  } catch (error) {
    if (stop?.signal.aborted !== true) throw error
  }
  return lines
}

const CREATE =
  "CREATE STREAM s (id STRING KEY, name STRING) WITH (kafka_topic='s_topic', value_format='JSON', partitions=1);"

describe('PRINT over /query and /query-stream', () => {
  it('prints the format lines and records FROM BEGINNING, every INTERVAL-th, and ends at LIMIT', async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    await ksql(CREATE)
    for (const [id, name] of [
      ['a', 'x'],
      ['b', 'y'],
      ['c', 'z'],
      ['d', 'w'],
    ])
      await ksql(`INSERT INTO s (id, name) VALUES ('${id}', '${name}');`)
    const response = await post('/query', {
      ksql: "PRINT 's_topic' FROM BEGINNING INTERVAL 2 LIMIT 2;",
      streamsProperties: {},
    })
    expect(response.status).toBe(200)
    const lines = (await response.text()).split('\n').filter((l) => l !== '')
    expect(lines.slice(0, 2)).toEqual(['Key format: KAFKA_STRING', 'Value format: JSON or KAFKA_STRING'])
    expect(lines.slice(2).map((l) => l.replace(/^rowtime: [^,]+, /, ''))).toEqual([
      'key: a, value: {"NAME":"x"}, partition: 0',
      'key: c, value: {"NAME":"z"}, partition: 0',
    ])
    expect(lines[2]).toMatch(/^rowtime: \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3} Z, /)
  })

  it('without FROM BEGINNING prints only new records, over /query-stream too, until the client leaves', async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    await ksql(CREATE)
    await ksql("INSERT INTO s (id, name) VALUES ('old', 'o');")
    const stop = new AbortController()
    const response = await post('/query-stream', { sql: "PRINT 's_topic';", properties: {} }, stop.signal)
    expect(response.status).toBe(200)
    const reading = readLines(response, (lines) => lines.some((l) => l.includes('key: new')), stop)
    await ksql("INSERT INTO s (id, name) VALUES ('new', 'n');")
    const lines = await reading
    expect(
      lines.filter((l) => l.startsWith('rowtime:')).map((l) => l.replace(/^rowtime: [^,]+, /, '')),
    ).toEqual(['key: new, value: {"NAME":"n"}, partition: 0'])
    // The server keeps serving after the client went away.
    const info = await fetch(`${server.url}/info`)
    expect(info.status).toBe(200)
  })

  it('answers an unknown topic or a bad clause with a 400 naming it', async () => {
    server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
    const missing = await post('/query', { ksql: "PRINT 'nope' FROM BEGINNING;", streamsProperties: {} })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { message: string }).message).toContain("Could not find topic 'nope'")
    const bad = await post('/query', { ksql: 'PRINT s_topic LIMIT -1;', streamsProperties: {} })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toContain(
      "LIMIT must be a positive whole number, got '-1'",
    )
    const onKsql = await post('/ksql', { ksql: "PRINT 's_topic';", streamsProperties: {} })
    expect(onKsql.status).toBe(400)
  })
})
