import { RecordError } from '../types/record-error.ts'
import { aliasOf, containsDecimal, createJsonReader, createJsonTextWriter, foldKeys } from './json-values.ts'
import { createFieldByteWriter, JsonByteWriter } from './json-bytes.ts'
import { parseJsonLossless } from './lossless-json.ts'
import { RepeatedLongFields } from './repeated-long-fields.ts'
import type { Serde, SerdeColumn } from './serde-types.ts'

/**
 * JSON format. Several columns (or a wrapped single column) ↔ a JSON object keyed by column name,
 * read case-insensitively (`{"name": 1}` fills NAME), missing fields → NULL. An unwrapped single
 * column ↔ the bare JSON value (WRAP_SINGLE_VALUE=false, and every single-column key).
 */
export function createJsonSerde(
  columns: readonly SerdeColumn[],
  options: { readonly wrapped: boolean },
): Serde {
  const only = columns[0]
  if (!options.wrapped && columns.length === 1 && only !== undefined) return unwrappedSerde(only)
  return objectSerde(columns)
}

function unwrappedSerde(column: SerdeColumn): Serde {
  const read = createJsonReader(column.type)
  const parseJson = parserFor([column])
  const write = createJsonTextWriter(column.type)
  return {
    serialize(values) {
      const value = values?.[0]
      return value === null || value === undefined ? null : Buffer.from(write(value), 'utf8')
    },
    deserialize(bytes) {
      if (bytes === null) return null
      const json = parseJson(bytes)
      return json === null ? null : [read(json)]
    },
  }
}

/** Shared by every object serde: a record is written within one serialize() call. */
const recordWriter = new JsonByteWriter()
const CLOSE = Buffer.from('}', 'utf8')

function objectSerde(columns: readonly SerdeColumn[]): Serde {
  const parseJson = parserFor(columns)
  // `alias` remembers the spelling the data last used for a column (`transaction_id` for
  // TRANSACTION_ID), so steady streams skip the case-insensitive scan.
  const readers = columns.map((c) => ({
    name: c.name,
    alias: c.name,
    read: createJsonReader(c.type),
  }))
  const writers = columns.map((c, i) => {
    const prefix = Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`, 'utf8')
    const write = createFieldByteWriter(c.type)
    const long = c.type.kind === 'BIGINT' || c.type.kind === 'TIMESTAMP'
    return { prefix, write, repeated: long ? new RepeatedLongFields(prefix, write) : null }
  })
  return {
    serialize(values) {
      if (values === null) return null
      if (writers.length === 0) return Buffer.from('{}', 'utf8')
      const out = recordWriter
      out.begin()
      for (let i = 0; i < writers.length; i++) {
        const w = writers[i] as (typeof writers)[number]
        const value = values[i]
        if (w.repeated !== null && w.repeated.writeField(out, value)) continue
        out.raw(w.prefix)
        w.write(out, value)
      }
      out.raw(CLOSE)
      return out.end()
    },
    deserialize(bytes) {
      if (bytes === null) return null
      const json = parseJson(bytes)
      if (json === null) return null
      if (typeof json !== 'object' || Array.isArray(json)) {
        throw new RecordError(
          `Can't convert type. sourceType: ${Array.isArray(json) ? 'ArrayNode' : 'ValueNode'}, requiredType: STRUCT, value: ${JSON.stringify(json)}`,
        )
      }
      const record = json as Record<string, unknown>
      const out = new Array<unknown>(readers.length)
      let folded: Map<string, unknown> | undefined
      for (let i = 0; i < readers.length; i++) {
        const r = readers[i] as (typeof readers)[number]
        let raw = record[r.name]
        if (raw === undefined) raw = record[r.alias]
        if (raw === undefined) {
          folded ??= foldKeys(record)
          raw = folded.get(r.name)
          if (raw !== undefined) r.alias = aliasOf(record, r.name)
        }
        out[i] = r.read(raw)
      }
      return out
    },
  }
}

/** JSON.parse, or the lossless parser when a DECIMAL column needs the exact digits. */
function parserFor(columns: readonly SerdeColumn[]): (bytes: Buffer) => unknown {
  const lossless = columns.some((c) => containsDecimal(c.type))
  return (bytes) => {
    const text = bytes.toString('utf8')
    if (lossless) return parseJsonLossless(text)
    try {
      return JSON.parse(text)
    } catch (error) {
      throw new RecordError(`Failed to deserialize JSON: ${(error as Error).message}`, { cause: error })
    }
  }
}
