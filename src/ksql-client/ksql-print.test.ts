import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../ksql-engine/index.ts'
import { inMemoryBackend } from '../ksql-engine/server/ksql-backend.ts'
import { startKsqlServer, type RunningKsqlServer } from '../ksql-engine/server/ksql-server.ts'
import { parsePrintedRecord, printStatement, printTopic } from './ksql-print.ts'
import { KsqlRequestError } from './ksql-error.ts'

let server: RunningKsqlServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('dip ksql print client', () => {
  it('quotes the topic and adds only the clauses asked for', () => {
    expect(printStatement("it's-a-topic", { fromBeginning: false, interval: 1, limit: null })).toBe(
      "PRINT 'it''s-a-topic';",
    )
    expect(printStatement('t', { fromBeginning: true, interval: 3, limit: 2 })).toBe(
      "PRINT 't' FROM BEGINNING INTERVAL 3 LIMIT 2;",
    )
  })

  it('splits record lines, values with commas included', () => {
    expect(
      parsePrintedRecord('rowtime: 2020/05/18 14:27:34.530 Z, key: k, value: {"a":1,"b":2}, partition: 3'),
    ).toEqual({ rowtime: '2020/05/18 14:27:34.530 Z', key: 'k', value: '{"a":1,"b":2}', partition: 3 })
    expect(parsePrintedRecord('Key format: JSON')).toBeNull()
  })

  it('streams the lines of a server PRINT and reports its errors with the ksqlDB code', async () => {
    const engine = createEngine()
    engine.createTopic('events', 1)
    engine.produce({ topic: 'events', key: Buffer.from('k1'), value: Buffer.from('{"n":1}'), timestamp: 0 })
    server = await startKsqlServer({ backend: inMemoryBackend(engine), port: 0 })
    const lines: string[] = []
    await printTopic(server.url, "PRINT 'events' FROM BEGINNING LIMIT 1;", (l) => lines.push(l))
    expect(lines).toEqual([
      'Key format: KAFKA_STRING',
      'Value format: JSON or KAFKA_STRING',
      'rowtime: 1970/01/01 00:00:00.000 Z, key: k1, value: {"n":1}, partition: 0',
    ])
    const error = await printTopic(server.url, "PRINT 'missing';", () => undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KsqlRequestError)
    expect((error as KsqlRequestError).errorCode).toBe(40000)
  })
})
