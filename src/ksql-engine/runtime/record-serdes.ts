import type { KeyFormat, ValueFormat } from '../engine-api.ts'
import { isNullKey, markNullKey } from '../expression/row.ts'
import type { Column, FormatInfo } from '../metastore/source.ts'
import { createKeySerde, createValueSerde, type Serde } from '../serde/index.ts'

/**
 * The serdes of one source or sink, built from the metastore's format info over serde/ (the one
 * serde of the engine). What the runtime adds on top: a missing Kafka key reads as a key row marked
 * with markNullKey, and such a row (or a single NULL column) writes a null Kafka key again.
 */
export function createKeyCodec(format: KeyFormat, columns: readonly Column[], formats: FormatInfo): Serde {
  if (columns.length === 0 || format === 'NONE') return NO_KEY
  const serde = createKeySerde(format, columns, {
    wrapSingleValue: formats.unwrapSingleKey === false,
    delimiter: formats.keyDelimiter,
  })
  return {
    serialize: (values) => (values === null || isNullKey(values) ? null : serde.serialize(values)),
    deserialize: (bytes) =>
      bytes === null ? markNullKey(columns.map(() => null)) : serde.deserialize(bytes),
  }
}

const NO_KEY: Serde = { serialize: () => null, deserialize: () => [] }

export function createValueCodec(
  format: ValueFormat,
  columns: readonly Column[],
  formats: FormatInfo,
): Serde {
  const serde = createValueSerde(format, columns, {
    wrapSingleValue: formats.wrapSingleValue,
    delimiter: formats.valueDelimiter,
  })
  return format === 'JSON'
    ? sharedDecoding(`${formats.wrapSingleValue} ${JSON.stringify(columns)}`, serde)
    : serde
}

/** Per value schema: a copy of the record bytes decoded last, and their values. */
const lastDecoded = new Map<string, { readers: number; bytes: Buffer | null; values: unknown[] | null }>()

/**
 * Several queries reading one topic receive the same record bytes one after another; the first
 * decodes them and the others with the same value schema reuse those values (rows are never
 * modified in place, so sharing them is safe). Malformed bytes are not remembered, so each query
 * logs its own error.
 */
function sharedDecoding(schema: string, serde: Serde): Serde {
  let memo = lastDecoded.get(schema)
  if (memo === undefined) {
    memo = { readers: 0, bytes: null, values: null }
    lastDecoded.set(schema, memo)
  }
  const last = memo
  let reading = false
  return {
    serialize: serde.serialize,
    deserialize(bytes) {
      if (bytes === null) return null
      if (!reading) {
        reading = true
        last.readers++
      }
      // A single reader of this schema has nothing to share: skip the copy.
      if (last.readers < 2) return serde.deserialize(bytes)
      // Compared by content against a private copy: a producer may reuse one buffer for new data.
      if (last.bytes !== null && last.bytes.equals(bytes)) return last.values
      const values = serde.deserialize(bytes)
      last.bytes = Buffer.from(bytes)
      last.values = values
      return values
    },
  }
}
