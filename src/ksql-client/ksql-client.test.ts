import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createKsqlClient } from './ksql-client.ts'
import { KsqlRequestError } from './ksql-error.ts'

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  server = undefined
})

/** A tiny stand-in for a ksqlDB server: answers /ksql with what `reply` returns for the statement text. */
async function serve(reply: (ksql: string) => { status: number; body: unknown }): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const { ksql } = JSON.parse(body) as { ksql: string }
      const answer = reply(ksql)
      res.writeHead(answer.status, { 'Content-Type': 'application/vnd.ksql.v1+json' })
      res.end(JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()))
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`
}

describe('createKsqlClient', () => {
  it('lists streams and tables from SHOW STREAMS; SHOW TABLES;', async () => {
    const url = await serve(() => ({
      status: 200,
      body: [
        {
          '@type': 'streams',
          streams: [
            {
              type: 'STREAM',
              name: 'S',
              topic: 's',
              keyFormat: 'KAFKA',
              valueFormat: 'JSON',
              isWindowed: false,
            },
          ],
        },
        {
          '@type': 'tables',
          tables: [
            {
              type: 'TABLE',
              name: 'T',
              topic: 'T',
              keyFormat: 'JSON',
              valueFormat: 'JSON',
              isWindowed: true,
            },
          ],
        },
      ],
    }))
    const sources = await createKsqlClient({ url }).listSources()
    expect(sources.map((s) => [s.type, s.name, s.topic])).toEqual([
      ['STREAM', 'S', 's'],
      ['TABLE', 'T', 'T'],
    ])
  })

  it('describes a source with a back-quoted name', async () => {
    let seen = ''
    const url = await serve((ksql) => {
      seen = ksql
      return {
        status: 200,
        body: [
          {
            '@type': 'sourceDescription',
            sourceDescription: {
              name: 'T',
              type: 'TABLE',
              topic: 'T',
              keyFormat: 'KAFKA',
              valueFormat: 'JSON',
              windowType: null,
              fields: [
                { name: 'ID', schema: { type: 'STRING' }, type: 'KEY' },
                { name: 'N', schema: { type: 'BIGINT' } },
              ],
            },
          },
        ],
      }
    })
    const schema = await createKsqlClient({ url }).describe('T')
    expect(seen).toBe('DESCRIBE `T`;')
    expect(schema.keyColumns.map((c) => c.name)).toEqual(['ID'])
    expect(schema.valueColumns.map((c) => c.name)).toEqual(['N'])
  })

  it('turns a statement_error into an error carrying the ksqlDB code and message', async () => {
    const url = await serve(() => ({
      status: 400,
      body: {
        '@type': 'statement_error',
        error_code: 40001,
        message: "Could not find TABLE 'X'",
        statementText: 'DESCRIBE X;',
      },
    }))
    const error = await createKsqlClient({ url })
      .describe('X')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KsqlRequestError)
    expect(error).toMatchObject({ errorCode: 40001, statementText: 'DESCRIBE X;', unreachable: false })
    expect((error as Error).message).toMatch(/Could not find TABLE 'X'/)
  })

  it('says the server is unreachable when nothing listens', async () => {
    const url = await serve(() => ({ status: 200, body: [] }))
    await new Promise<void>((resolve) => server?.close(() => resolve()))
    server = undefined
    const error = await createKsqlClient({ url, timeoutMs: 2000 })
      .listSources()
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ unreachable: true, code: 'DIP_KSQL' })
  })
})
