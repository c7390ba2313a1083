import type { KsqlFieldSchema, KsqlSourceDescription } from './wire-types.ts'
import { TIME_UNITS } from '../shared/time-units.ts'

/** What a sink needs to know about a ksqlDB stream or table to decode its records. */
export interface SourceSchema {
  readonly name: string
  readonly kind: 'stream' | 'table'
  readonly topic: string
  readonly keyFormat: string
  readonly valueFormat: string
  readonly keyColumns: readonly SourceColumn[]
  readonly valueColumns: readonly SourceColumn[]
  readonly windowType: 'TUMBLING' | 'HOPPING' | 'SESSION' | null
  /** Size of a time window (end = start + size); null for session windows or when unknown. */
  readonly windowSizeMs: number | null
}

export interface SourceColumn {
  readonly name: string
  /** ksqlDB's schema type: INTEGER, BIGINT, DOUBLE, DECIMAL, STRING, BYTES, BOOLEAN, STRUCT, ... */
  readonly type: string
  readonly schema: KsqlFieldSchema
}

/** DESCRIBE entity → SourceSchema. Header columns are not part of key or value and are left out. */
export function toSourceSchema(description: KsqlSourceDescription): SourceSchema {
  const column = (field: KsqlSourceDescription['fields'][number]): SourceColumn => ({
    name: field.name,
    type: field.schema.type,
    schema: field.schema,
  })
  const windowType = parseWindowType(description.windowType)
  return {
    name: description.name,
    kind: description.type === 'TABLE' ? 'table' : 'stream',
    topic: description.topic,
    keyFormat: description.keyFormat.toUpperCase(),
    valueFormat: description.valueFormat.toUpperCase(),
    keyColumns: description.fields.filter((f) => f.type === 'KEY').map(column),
    valueColumns: description.fields.filter((f) => f.type === undefined || f.type === null).map(column),
    windowType,
    windowSizeMs:
      windowType === null || windowType === 'SESSION'
        ? null
        : (description.windowSizeMs ?? windowSizeFromStatement(description.statement ?? '')),
  }
}

function parseWindowType(value: string | null | undefined): SourceSchema['windowType'] {
  const upper = value?.toUpperCase()
  return upper === 'TUMBLING' || upper === 'HOPPING' || upper === 'SESSION' ? upper : null
}

/**
 * Real ksqlDB's DESCRIBE has no window size, so read it from the statement that created the source:
 * `WINDOW HOPPING (SIZE 5 MINUTES, ...)` in a CTAS, or `WINDOW_SIZE='5 MINUTES'` in a CREATE TABLE.
 */
export function windowSizeFromStatement(statement: string): number | null {
  const match =
    /\bWINDOW\s+(?:TUMBLING|HOPPING)\s*\(\s*SIZE\s+(\d+)\s+([A-Z]+)/i.exec(statement) ??
    /\bWINDOW_SIZE\s*=\s*'\s*(\d+)\s+([A-Z]+)\s*'/i.exec(statement)
  if (match === null) return null
  const ms = TIME_UNITS[(match[2] ?? '').toUpperCase()]
  return ms === undefined ? null : Number(match[1]) * ms
}

export type { KsqlFieldSchema }
