import { describe, expect, it } from 'vitest'
import type { StatementResult } from '../../src/ksql-engine/engine-api.ts'
import { BIGINT, STRING } from '../../src/ksql-engine/types/sql-type.ts'
import { FakeEngine, fakeSource, INT_KEY_STRING_VALUE } from './fake-engine.ts'
import type { QttCase, QttTest } from './qtt-case.ts'
import { HARNESS_PROPERTIES, runCase, thrownInfo, type EngineFactory } from './run-case.ts'

class EngineError extends Error {
  readonly kind: string
  constructor(kind: string, message: string) {
    super(message)
    this.kind = kind
  }
}

const created = (): StatementResult[] => []

/** CREATE STREAM registers INPUT on `in`; CSAS registers OUTPUT on `OUTPUT` and upper-cases values. */
function upperCasingEngine(engines: FakeEngine[] = []): EngineFactory {
  return (properties) => {
    const engine = new FakeEngine(
      {
        onExecute: (sql, self) => {
          if (/UNSUPPORTED/.test(sql)) throw new EngineError('unsupported', 'Statement not supported: X')
          if (/BROKEN/.test(sql)) throw new EngineError('statement', "Cannot add stream 'BROKEN': nope")
          if (/CREATE STREAM INPUT/.test(sql))
            self.registered.push(fakeSource('INPUT', 'in', INT_KEY_STRING_VALUE))
          if (/CREATE STREAM OUTPUT/.test(sql))
            self.registered.push(fakeSource('OUTPUT', 'OUTPUT', INT_KEY_STRING_VALUE))
          return created()
        },
        pipe: {
          from: 'in',
          to: 'OUTPUT',
          transform: (r) => ({
            key: r.key,
            value: r.value === null ? null : Buffer.from(r.value.toString().toUpperCase()),
            timestamp: r.timestamp,
          }),
        },
      },
      properties,
    )
    engines.push(engine)
    return engine
  }
}

const statements = [
  "CREATE STREAM INPUT (K INT KEY, V STRING) WITH (kafka_topic='in', value_format='JSON');",
  'CREATE STREAM OUTPUT AS SELECT * FROM INPUT;',
]

function qttCase(test: Partial<QttTest>): QttCase {
  return { file: 'qtt/x.json', name: 'c', format: null, test: { name: 'c', statements, ...test } }
}

describe('runCase', () => {
  it('passes when every output record matches and runs with the harness properties', () => {
    const engines: FakeEngine[] = []
    const outcome = runCase(
      upperCasingEngine(engines),
      qttCase({
        properties: { 'ksql.output.topic.name.prefix': 'p_', 'some.number': 3 },
        inputs: [{ topic: 'in', key: 1, value: { v: 'a' }, timestamp: 10 }],
        outputs: [{ topic: 'OUTPUT', key: 1, value: { V: 'A' }, timestamp: 10 }],
      }),
    )
    expect(outcome).toEqual({ kind: 'passed' })
    expect(engines[0]?.properties).toMatchObject({
      ...HARNESS_PROPERTIES,
      'ksql.output.topic.name.prefix': 'p_',
      'some.number': '3',
    })
    // statement 2 sits on line 2, as in upstream's newline-joined script
    expect(engines[0]?.executed).toEqual([statements[0], `\n${statements[1]}`])
    // the input key went through the INPUT source's KAFKA INT serde
    expect(engines[0]?.records('in')[0]?.key).toEqual(Buffer.from([0, 0, 0, 1]))
  })

  it('fails on a different value or timestamp, naming what differs', () => {
    const outcome = runCase(
      upperCasingEngine(),
      qttCase({
        inputs: [{ topic: 'in', key: 1, value: { v: 'a' }, timestamp: 10 }],
        outputs: [{ topic: 'OUTPUT', key: 1, value: { V: 'a' }, timestamp: 11 }],
      }),
    )
    expect(outcome).toMatchObject({ kind: 'failed', category: 'output value+timestamp' })
  })

  it('fails when records are missing', () => {
    const outcome = runCase(
      upperCasingEngine(),
      qttCase({
        inputs: [{ topic: 'in', key: 1, value: { v: 'a' } }],
        outputs: [
          { topic: 'OUTPUT', key: 1, value: { V: 'A' } },
          { topic: 'OUTPUT', key: 2, value: { V: 'B' } },
        ],
      }),
    )
    expect(outcome).toMatchObject({ kind: 'failed', category: 'output missing records' })
  })

  it('matches expected exceptions by message substring', () => {
    const broken = qttCase({ statements: ['CREATE STREAM BROKEN AS SELECT 1;'] })
    const expectedException = {
      type: 'io.confluent.ksql.util.KsqlStatementException',
      message: "Cannot add stream 'BROKEN'",
    }
    expect(runCase(upperCasingEngine(), { ...broken, test: { ...broken.test, expectedException } })).toEqual({
      kind: 'passed',
    })
    const wrong = { ...broken, test: { ...broken.test, expectedException: { message: 'something else' } } }
    expect(runCase(upperCasingEngine(), wrong)).toMatchObject({
      kind: 'failed',
      category: 'wrong error message',
    })
    const notRaised = qttCase({ expectedException: { message: 'x' } })
    expect(runCase(upperCasingEngine(), notRaised)).toMatchObject({
      kind: 'failed',
      category: 'expected error not raised',
    })
  })

  it('accepts a runtime failure (StreamsException) seen in the processing log or thrown by produce', () => {
    const expectedException = {
      type: 'org.apache.kafka.streams.errors.StreamsException',
      message: 'Exception caught in process',
      causeMessage: 'Numeric field overflow',
    }
    const logging: EngineFactory = () => {
      const engine = new FakeEngine({})
      engine.processingLog = () =>
        [{ queryId: 'Q', topic: 'in', partition: 0, offset: 0, message: 'Numeric field overflow' }] as never
      return engine
    }
    const test = qttCase({ inputs: [{ topic: 'in', value: 'x' }], expectedException })
    expect(runCase(logging, test)).toEqual({ kind: 'passed' })
    expect(runCase(() => new FakeEngine({}), test)).toMatchObject({
      kind: 'failed',
      category: 'expected error not raised',
    })
  })

  it('matches the message with the statement appended, as KsqlStatementException prints it', () => {
    const factory: EngineFactory = () =>
      new FakeEngine({
        onExecute: (sql) => {
          throw Object.assign(new Error('Source `UNKNOWN` does not exist.'), {
            info: { kind: 'statement', statementText: sql },
          })
        },
      })
    const expectedException = {
      message: 'does not exist.\nStatement: INSERT INTO OUTPUT SELECT * FROM UNKNOWN;',
    }
    const test = qttCase({ statements: ['INSERT INTO OUTPUT SELECT * FROM UNKNOWN;'], expectedException })
    expect(runCase(factory, test)).toEqual({ kind: 'passed' })
  })

  it('classifies engine "unsupported" errors and other statement errors', () => {
    expect(runCase(upperCasingEngine(), qttCase({ statements: ['UNSUPPORTED;'] })).kind).toBe('unsupported')
    expect(runCase(upperCasingEngine(), qttCase({ statements: ['BROKEN;'] }))).toMatchObject({
      kind: 'failed',
      category: 'statement error: Cannot add stream …: nope',
    })
  })

  it('checks post conditions on sources and topics', () => {
    const good = qttCase({
      post: { sources: [{ name: 'output', type: 'stream', schema: '`K` INTEGER KEY, V VARCHAR' }] },
    })
    expect(runCase(upperCasingEngine(), good)).toEqual({ kind: 'passed' })
    const badSchema = qttCase({ post: { sources: [{ name: 'OUTPUT', schema: 'K INT KEY, V BIGINT' }] } })
    expect(runCase(upperCasingEngine(), badSchema)).toMatchObject({ kind: 'failed', category: 'post schema' })
    const wrongType = qttCase({ post: { sources: [{ name: 'OUTPUT', type: 'table' }] } })
    expect(runCase(upperCasingEngine(), wrongType)).toMatchObject({ kind: 'failed' })
    const blacklisted = qttCase({
      inputs: [{ topic: 'in', key: 1, value: { v: 'a' } }],
      post: { topics: { blacklist: 'OUT.*' } },
    })
    expect(runCase(upperCasingEngine(), blacklisted)).toMatchObject({ kind: 'failed' })
    const keyFormat = qttCase({ post: { sources: [{ name: 'OUTPUT', keyFormat: { format: 'JSON' } }] } })
    expect(runCase(upperCasingEngine(), keyFormat)).toMatchObject({
      kind: 'failed',
      category: 'post key format',
    })
  })

  it('compares pull-query rows of REST cases, produced after the admin statements', () => {
    const factory: EngineFactory = () =>
      new FakeEngine({
        onExecute: (sql, self) => {
          if (sql.trimStart().startsWith('SELECT')) {
            const rows = self
              .records('in')
              .map((r) => [r.key?.toString() ?? null, Number(r.value?.readBigInt64BE(0))])
            return [{ kind: 'queryRows', columns: self.registered[0]!.columns, rows }]
          }
          self.registered.push(
            fakeSource(
              'T',
              'in',
              [
                ['K', STRING, 'KEY'],
                ['C', BIGINT, 'VALUE'],
              ],
              { valueFormat: 'KAFKA' },
            ),
          )
          return [
            { kind: 'sourceCreated', source: self.registered[0]!, queryId: null, message: 'Table created' },
          ]
        },
      })
    const test: QttTest = {
      name: 'pull',
      statements: ['CREATE TABLE T ...;', 'SELECT * FROM T;'],
      inputs: [{ topic: 'in', key: 'a', value: 1 }],
      responses: [
        { admin: { '@type': 'currentStatus' } },
        { query: [{ header: { schema: '`K` STRING KEY, `C` BIGINT' } }, { row: { columns: ['a', 1] } }] },
      ],
    }
    expect(runCase(factory, { file: 'rqtt/x.json', name: 'pull', format: null, test })).toEqual({
      kind: 'passed',
    })
    const wrongRows = {
      ...test,
      responses: [test.responses![0]!, { query: [{ row: { columns: ['a', 2] } }] }],
    }
    expect(
      runCase(factory, { file: 'rqtt/x.json', name: 'pull', format: null, test: wrongRows }),
    ).toMatchObject({
      kind: 'failed',
      category: 'query rows',
    })
    const header = {
      query: [{ header: { schema: '`K` STRING, `C` BIGINT' } }, { row: { columns: ['a', 1] } }],
    }
    const wrongHeader = { ...test, responses: [test.responses![0]!, header] }
    expect(
      runCase(factory, { file: 'rqtt/x.json', name: 'pull', format: null, test: wrongHeader }),
    ).toMatchObject({
      kind: 'failed',
      category: 'query header schema',
    })
  })

  it('reads the kind of engine errors from kind, info.kind or the error class', () => {
    expect(thrownInfo(new EngineError('parse', 'line 1:1: x')).kind).toBe('parse')
    const withInfo = Object.assign(new Error('m'), { info: { kind: 'statement' } })
    expect(thrownInfo(withInfo).kind).toBe('statement')
    expect(thrownInfo(new TypeError('boom'))).toEqual({ kind: 'crash', message: 'TypeError: boom' })
  })
})
