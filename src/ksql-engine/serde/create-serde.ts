import type { KeyFormat, ValueFormat } from '../engine-api.ts'
import { createDelimitedSerde } from './delimited-serde.ts'
import { createJsonSerde } from './json-serde.ts'
import { createKafkaSerde } from './kafka-serde.ts'
import type { Serde, SerdeColumn, SerdeOptions } from './serde-types.ts'

/**
 * Serde for a record value. Build once per source/sink schema; the returned closures are the
 * per-record hot path. JSON values wrap a single column unless `wrapSingleValue: false`.
 */
export function createValueSerde(
  format: ValueFormat,
  columns: readonly SerdeColumn[],
  options: SerdeOptions = {},
): Serde {
  switch (format) {
    case 'JSON':
      return createJsonSerde(columns, { wrapped: options.wrapSingleValue ?? true })
    case 'DELIMITED':
      return createDelimitedSerde(columns, options.delimiter)
    case 'KAFKA':
      return createKafkaSerde(columns)
  }
}

/**
 * Serde for a record key. A single JSON key column is the bare value (`1`, `"a"`, `{"F":1}`), several
 * columns are a JSON object; DELIMITED keys are `a,1`; NONE ignores keys. As in ksqlDB, null key
 * bytes are a missing key (deserialize → null, serialize(null) → null), a single NULL key column
 * writes null bytes, and several NULL columns still write an object (`{"ID":null,"AGE":null}`).
 */
export function createKeySerde(
  format: KeyFormat,
  columns: readonly SerdeColumn[],
  options: SerdeOptions = {},
): Serde {
  if (format === 'NONE' || columns.length === 0) return NO_KEY
  const inner = innerKeySerde(format, columns, options)
  const single = columns.length === 1
  return {
    serialize(values) {
      if (values === null || (single && (values[0] === null || values[0] === undefined))) return null
      return inner.serialize(values)
    },
    deserialize(bytes) {
      return bytes === null ? null : inner.deserialize(bytes)
    },
  }
}

function innerKeySerde(
  format: Exclude<KeyFormat, 'NONE'>,
  columns: readonly SerdeColumn[],
  options: SerdeOptions,
): Serde {
  switch (format) {
    case 'JSON':
      return createJsonSerde(columns, { wrapped: options.wrapSingleValue ?? false })
    case 'DELIMITED':
      return createDelimitedSerde(columns, options.delimiter)
    case 'KAFKA':
      return createKafkaSerde(columns)
  }
}

const NO_KEY: Serde = { serialize: () => null, deserialize: () => [] }
