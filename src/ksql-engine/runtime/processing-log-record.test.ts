import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

const BAD = Buffer.from('{"id":"a","amount":"lots"}')

function engineWith(properties: Record<string, string>) {
  const engine = createEngine({
    properties: { 'auto.offset.reset': 'earliest', 'ksql.service.id': 'svc_', ...properties },
  })
  engine.execute(`CREATE STREAM T (id VARCHAR, amount DOUBLE) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE STREAM F AS SELECT id, amount * 2 AS doubled FROM T;`)
  return engine
}

const logValues = (engine: ReturnType<typeof createEngine>, topic = 'svc_ksql_processing_log') =>
  engine.records(topic).map((r) => JSON.parse(r.value?.toString() ?? 'null') as Record<string, unknown>)

describe('processing log (ksql.logging.processing.*)', () => {
  it('is off by default, as in ksqlDB: the entry stays in the engine only', () => {
    const engine = engineWith({})
    engine.produce({ topic: 't', key: null, value: BAD, timestamp: 1 })
    expect(engine.topics()).not.toContain('svc_ksql_processing_log')
    expect(engine.processingLog()).toEqual([
      expect.objectContaining({ queryId: 'CSAS_F_2', kind: 'deserialization', target: 'value', offset: 0 }),
    ])
  })

  it("writes a deserialization error to <service id>ksql_processing_log in ksqlDB's shape", () => {
    const engine = engineWith({ 'ksql.logging.processing.topic.auto.create': 'true' })
    engine.produce({ topic: 't', key: null, value: BAD, timestamp: 1 })
    expect(logValues(engine)).toEqual([
      {
        level: 'ERROR',
        logger: 'processing.CSAS_F_2.KsqlTopic.Source.deserializer',
        time: expect.any(Number) as unknown,
        message: {
          type: 0,
          deserializationError: {
            target: 'value',
            errorMessage:
              "Failed to deserialize value from topic: t. Can't coerce string to type. targetType: DOUBLE",
            recordB64: null,
            cause: ["Can't coerce string to type. targetType: DOUBLE"],
            topic: 't',
          },
          recordProcessingError: null,
          productionError: null,
          serializationError: null,
          kafkaStreamsThreadError: null,
        },
      },
    ])
    // No KSQL_PROCESSING_LOG stream unless asked for.
    expect(engine.sources().map((s) => s.name)).toEqual(['T', 'F'])
  })

  it('includes the record only with ksql.logging.processing.rows.include, in a topic of its chosen name', () => {
    const engine = engineWith({
      'ksql.logging.processing.topic.auto.create': 'true',
      'ksql.logging.processing.topic.name': 'errors',
      'ksql.logging.processing.rows.include': 'true',
    })
    engine.produce({ topic: 't', key: null, value: BAD, timestamp: 1 })
    const [entry] = logValues(engine, 'errors') as {
      message: { deserializationError: { recordB64: string } }
    }[]
    expect(Buffer.from(entry?.message.deserializationError.recordB64 ?? '', 'base64')).toEqual(BAD)
  })

  it('creates the KSQL_PROCESSING_LOG stream over the topic without shifting query ids', () => {
    const engine = engineWith({ 'ksql.logging.processing.stream.auto.create': 'true' })
    engine.produce({ topic: 't', key: null, value: BAD, timestamp: 1 })
    expect(engine.queries().map((q) => q.id)).toEqual(['CSAS_F_2'])
    const [rows] = engine.execute(
      'SELECT LOGGER, MESSAGE->TYPE AS T, MESSAGE->DESERIALIZATIONERROR->`topic` AS TOPIC FROM KSQL_PROCESSING_LOG;',
    )
    expect(rows?.kind === 'queryRows' ? rows.rows : []).toEqual([
      ['processing.CSAS_F_2.KsqlTopic.Source.deserializer', 0, 't'],
    ])
  })

  it('logs a failing expression as a record processing error', () => {
    const engine = engineWith({ 'ksql.logging.processing.topic.auto.create': 'true' })
    engine.execute('CREATE STREAM G AS SELECT id, CAST(id AS INT) AS n FROM T;')
    engine.produce({ topic: 't', key: null, value: Buffer.from('{"id":"abc","amount":1}'), timestamp: 1 })
    const entries = logValues(engine) as { logger: string; message: Record<string, unknown> }[]
    expect(entries).toHaveLength(1)
    expect(entries[0]?.logger).toMatch(/^processing\.CSAS_G_3\./)
    expect(entries[0]?.message).toMatchObject({
      type: 1,
      deserializationError: null,
      recordProcessingError: { errorMessage: expect.any(String) as unknown, record: null },
    })
  })
})
