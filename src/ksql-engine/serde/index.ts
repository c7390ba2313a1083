/**
 * Record serialization for the embedded ksqlDB engine. Public surface:
 *
 * - `createKeySerde(format, columns, options)` / `createValueSerde(format, columns, options)` → `Serde`
 *   `{ serialize(values | null) → Buffer | null, deserialize(Buffer | null) → values | null }`, values in
 *   column order; malformed input throws `RecordError` (types/record-error.ts). Build once per schema.
 *   Options: `{ wrapSingleValue?, delimiter? }` (see serde-types.ts).
 * - Windowed keys: `wrapTimeWindowedKey` / `unwrapTimeWindowedKey` (key + 8-byte start) and
 *   `wrapSessionWindowedKey` / `unwrapSessionWindowedKey` (key + 8-byte end + 8-byte start).
 * - Analyzer checks with ksqlDB's wording: `formatSupportError`, `keySchemaNotSupportedMessage`,
 *   `mapKeyColumnError`, `parseDelimiter`.
 * - JSON ↔ engine values (QTT files, REST output): `toEngineValue(json, type)`, `fromEngineValue(value, type)`,
 *   `toJsonValue(value)` (untyped, for query rows), and precompiled `createJsonReader` / `createJsonWriter` / `createJsonTextWriter`. `parseJsonLossless(text)`
 *   keeps numbers beyond double precision as `JsonNumber` (exact DECIMALs); the readers accept them.
 */
export { createKeySerde, createValueSerde } from './create-serde.ts'
export type { Serde, SerdeColumn, SerdeOptions } from './serde-types.ts'
export {
  unwrapSessionWindowedKey,
  unwrapTimeWindowedKey,
  wrapSessionWindowedKey,
  wrapTimeWindowedKey,
  type WindowedKey,
} from './windowed-key.ts'
export {
  formatSupportError,
  keySchemaNotSupportedMessage,
  mapKeyColumnError,
  parseDelimiter,
  type SerdeFormat,
} from './format-support.ts'
export { JsonNumber, isJsonNumber, parseJsonLossless } from './lossless-json.ts'
export {
  createFieldTextWriter,
  createJsonReader,
  createJsonTextWriter,
  createRoundTripCheck,
  createJsonWriter,
  fromEngineValue,
  toEngineValue,
  toJsonValue,
  type JsonReader,
  type JsonTextWriter,
  type JsonWriter,
} from './json-values.ts'
