import type { DataSource, LogicalSchema } from '../metastore/source.ts'

/** A source as a CREATE STREAM/TABLE with KAFKA keys and JSON values would register it, for analyzer and planner tests. */
export function testSource(name: string, type: 'STREAM' | 'TABLE', schema: LogicalSchema): DataSource {
  return {
    name,
    type,
    topic: name.toLowerCase(),
    schema,
    formats: {
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      keyDelimiter: ',',
      valueDelimiter: ',',
      wrapSingleValue: true,
    },
    window: null,
    timestampColumn: null,
    timestampFormat: null,
    isSource: true,
    statement: '',
    createdBy: null,
  }
}
