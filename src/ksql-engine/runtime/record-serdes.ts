import type { KeyFormat, ValueFormat } from '../engine-api.ts'
import { isNullKey, markNullKey } from '../expression/row.ts'
import type { Column, FormatInfo } from '../metastore/source.ts'
import { createKeySerde, createRoundTripCheck, createValueSerde, type Serde } from '../serde/index.ts'

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
  if (format !== 'JSON') return serde
  const wrapped = columns.length !== 1 || formats.wrapSingleValue
  const roundTrip = wrapped && plainNames(columns) ? createRoundTripCheck(columns.map((c) => c.type)) : null
  return sharedValues(`${wrapped} ${JSON.stringify(columns)}`, serde, roundTrip)
}

/** Column names a JSON object holds as they are (no duplicates, no `__proto__`). */
function plainNames(columns: readonly Column[]): boolean {
  const names = new Set(columns.map((c) => c.name))
  return names.size === columns.length && !names.has('__proto__')
}

/** Per value layout: the record bytes written or decoded last, and their values. */
interface LastValues {
  readers: number
  bytes: Buffer | null
  /** Whether `bytes` is a private copy (decoded input) rather than bytes this engine wrote. */
  copied: boolean
  values: unknown[] | null
}

const lastValues = new Map<string, LastValues>()

/**
 * Values shared between the codecs of one value layout, for the queries of a record's cascade:
 * - a sink writing a row whose values read back exactly (see createRoundTripCheck) remembers the
 *   bytes it wrote with those values, and the queries reading that topic take the values instead
 *   of parsing them again (a chain of queries parses its input once);
 * - a sink given those same values again (compared one by one) returns those same bytes;
 * - several queries reading one topic receive the same bytes one after another: the first decodes
 *   them and the others reuse those values.
 * Rows are never modified in place, so sharing their values is safe. Malformed bytes are not
 * remembered, so each query logs its own error.
 */
function sharedValues(
  layout: string,
  serde: Serde,
  roundTrip: ((values: readonly unknown[]) => boolean) | null,
): Serde {
  let memo = lastValues.get(layout)
  if (memo === undefined) {
    memo = { readers: 0, bytes: null, copied: false, values: null }
    lastValues.set(layout, memo)
  }
  const last = memo
  let reading = false
  return {
    serialize(values) {
      // The values this layout wrote last, again (a query forwarding rows unchanged, such as a
      // WHERE-only SELECT * over another query's output): the same bytes.
      if (values !== null && !last.copied && last.values !== null && sameValues(values, last.values))
        return last.bytes
      const bytes = serde.serialize(values)
      // Worth remembering only once queries read this layout (a reader starting later parses its
      // first record).
      if (roundTrip !== null && last.readers > 0 && bytes !== null && values !== null && roundTrip(values)) {
        last.bytes = bytes
        last.copied = false
        last.values = values as unknown[]
      }
      return bytes
    },
    deserialize(bytes) {
      if (bytes === null) return null
      // The very buffer a sink of this layout wrote for these values.
      if (bytes === last.bytes && !last.copied) return last.values
      if (!reading) {
        reading = true
        last.readers++
      }
      // A single reader of this layout has nothing to share: skip the copy.
      if (last.readers < 2) return serde.deserialize(bytes)
      // Compared by content against a private copy: a producer may reuse one buffer for new data.
      if (last.bytes !== null && last.copied && last.bytes.equals(bytes)) return last.values
      const values = serde.deserialize(bytes)
      last.bytes = Buffer.from(bytes)
      last.copied = true
      last.values = values
      return values
    },
  }
}

/** Same length and the same primitives (Object.is: -0 is not 0, NaN is NaN). */
function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false
  return true
}
