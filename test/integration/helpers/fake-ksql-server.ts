import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { KsqlSourceDescription } from '../../../src/ksql-client/wire-types.ts'

/**
 * Answers `SHOW STREAMS; SHOW TABLES;` and `DESCRIBE` on /ksql from fixed source descriptions, in
 * ksqlDB's wire shapes (spec A1). The sink tests use it to declare schemas of topics they fill
 * themselves, so they can test key/window decoding without running persistent queries.
 */
export async function startFakeKsqlServer(
  sources: readonly KsqlSourceDescription[],
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const { ksql = '' } = JSON.parse(body || '{}') as { ksql?: string }
      const entities: unknown[] = []
      for (const statement of ksql
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== '')) {
        const describe = /^DESCRIBE\s+`?([^`]+)`?$/i.exec(statement)
        if (/^SHOW STREAMS$/i.test(statement) || /^SHOW TABLES$/i.test(statement)) {
          const type = /STREAMS/i.test(statement) ? 'STREAM' : 'TABLE'
          const list = sources
            .filter((s) => s.type === type)
            .map((s) => ({
              type,
              name: s.name,
              topic: s.topic,
              keyFormat: s.keyFormat,
              valueFormat: s.valueFormat,
              isWindowed: s.windowType != null,
            }))
          entities.push({
            '@type': type === 'STREAM' ? 'streams' : 'tables',
            statementText: `${statement};`,
            [type === 'STREAM' ? 'streams' : 'tables']: list,
            warnings: [],
          })
        } else if (describe !== null) {
          const source = sources.find((s) => s.name === describe[1])
          if (source === undefined) {
            res.writeHead(400, { 'Content-Type': 'application/vnd.ksql.v1+json' })
            res.end(
              JSON.stringify({
                '@type': 'statement_error',
                error_code: 40001,
                message: `Could not find STREAM/TABLE '${describe[1]}' in the Metastore`,
                statementText: statement,
                entities: [],
              }),
            )
            return
          }
          entities.push({
            '@type': 'sourceDescription',
            statementText: `${statement};`,
            sourceDescription: source,
            warnings: [],
          })
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.ksql.v1+json' })
      res.end(JSON.stringify(entities))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
