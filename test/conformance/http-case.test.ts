import { describe, expect, it } from 'vitest'
import { runHttpCase } from './http-case.ts'
import type { QttCase, QttResponse, QttTest } from './qtt-case.ts'
import { engineFactory } from './suite-setup.ts'

const CREATE = "CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON');"
const CTAS = 'CREATE TABLE T AS SELECT ID, COUNT(*) AS N FROM S GROUP BY ID;'

function rqtt(test: Omit<QttTest, 'name'>): QttCase {
  return {
    file: 'rqtt/synthetic.json',
    name: 'synthetic',
    format: null,
    test: { name: 'synthetic', ...test },
  }
}

const inputs = [
  { topic: 's', key: 1, value: { V: 'a' } },
  { topic: 's', key: 1, value: { V: 'b' } },
]
const statusResponse = { admin: { '@type': 'currentStatus' } }

describe('an RQTT case replayed over HTTP against the embedded server', () => {
  const run = (c: QttCase, queryTimeoutMs = 5_000): ReturnType<typeof runHttpCase> =>
    runHttpCase(engineFactory(), c, { queryTimeoutMs })

  it('passes when /ksql entities and the /query rows match, and fails on a wrong row', async () => {
    const responses = (n: number): readonly QttResponse[] => [
      statusResponse,
      statusResponse,
      { query: [{ header: { schema: '`ID` INTEGER KEY, `N` BIGINT' } }, { row: { columns: [1, n] } }] },
    ]
    const statements = [CREATE, CTAS, 'SELECT * FROM T WHERE ID = 1;']
    expect(await run(rqtt({ statements, inputs, responses: responses(2) }))).toEqual({ kind: 'passed' })
    expect(await run(rqtt({ statements, inputs, responses: responses(3) }))).toMatchObject({
      kind: 'failed',
      category: 'query row',
      detail: 'responses[2]->query[1]->row->columns: expected [1,3], got [1,2]',
    })
  }, 60_000)

  it('matches expectedError against the HTTP error: type, message and status', async () => {
    const statements = [CREATE, 'SELECT * FROM S WHERE ID = 1 GROUP BY ID;']
    const error = { type: 'io.confluent.ksql.rest.entity.KsqlStatementErrorMessage', status: 400 }
    expect(
      await run(rqtt({ statements, inputs, expectedError: { ...error, message: "don't support GROUP BY" } })),
    ).toEqual({ kind: 'passed' })
    expect(
      await run(rqtt({ statements, inputs, expectedError: { ...error, message: 'something else' } })),
    ).toMatchObject({ kind: 'failed', category: 'wrong error message' })
    expect(
      await run(rqtt({ statements: [CREATE], inputs, expectedError: { ...error, message: 'x' } })),
    ).toMatchObject({ kind: 'failed', category: 'expected error not raised' })
  }, 60_000)

  it('reports a push query whose LIMIT is never reached as not ending', async () => {
    const statements = [CREATE, 'SELECT V FROM S EMIT CHANGES LIMIT 3;']
    const outcome = await run(rqtt({ statements, inputs, responses: [statusResponse] }), 300)
    expect(outcome).toMatchObject({ kind: 'failed', category: 'query did not end' })
    expect(outcome.kind === 'failed' && outcome.detail).toContain('{"row":{"columns":["b"]}}')
  }, 60_000)
})
