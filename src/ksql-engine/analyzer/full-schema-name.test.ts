import { describe, expect, it } from 'vitest'
import { createEngine } from '../engine.ts'

describe('VALUE_AVRO_SCHEMA_FULL_NAME with a format that has no schema name', () => {
  it('is refused naming the format and the config, as ksqlDB does', () => {
    expect(() =>
      createEngine().execute(
        "CREATE STREAM input (k STRING KEY, foo STRING) WITH (kafka_topic='t', value_format='JSON', VALUE_AVRO_SCHEMA_FULL_NAME='com.custom.schema');",
      ),
    ).toThrow('JSON does not support the following configs: [fullSchemaName]')
  })
})
