import type { KeyFormat, ValueFormat } from '../../engine-api.ts'
import type { Column, FormatInfo } from '../../metastore/source.ts'
import { Decimal, fitDecimal, isDecimal } from '../../types/decimal.ts'
import { formatJavaDouble } from '../../types/java-format.ts'
import { RecordError } from '../../types/record-error.ts'
import { isNullKey, markNullKey } from '../../expression/row.ts'
import { formatSqlType, type SqlType } from '../../types/sql-type.ts'
import { joinDelimited, splitDelimited } from './delimited-text.ts'
import { fromJsonNode, toJsonNode } from './json-values.ts'

/** Serializes/deserializes the key columns of one source (without window bytes). */
export interface ColumnsCodec {
  serialize(values: readonly unknown[] | null): Buffer | null
  /** Throws RecordError on malformed bytes. */
  deserialize(bytes: Buffer | null): unknown[] | null
}

export function createKeyCodec(
  format: KeyFormat,
  columns: readonly Column[],
  formats: FormatInfo,
): ColumnsCodec {
  if (columns.length === 0 || format === 'NONE') {
    return { serialize: () => null, deserialize: () => [] }
  }
  const codec = keyCodecFor(format, columns, formats)
  // A missing key, or a single null key column, is a null Kafka key in every format.
  return {
    serialize: (values) =>
      values === null ||
      isNullKey(values) ||
      (values.length === 1 && (values[0] === null || values[0] === undefined))
        ? null
        : codec.serialize(values),
    deserialize: (bytes) =>
      bytes === null ? markNullKey(columns.map(() => null)) : codec.deserialize(bytes),
  }
}

function keyCodecFor(
  format: 'KAFKA' | 'JSON' | 'DELIMITED',
  columns: readonly Column[],
  formats: FormatInfo,
): ColumnsCodec {
  switch (format) {
    case 'KAFKA':
      return kafkaCodec(columns)
    case 'JSON':
      return jsonCodec(columns, { wrap: columns.length > 1 || formats.unwrapSingleKey === false })
    case 'DELIMITED':
      return delimitedCodec(columns, formats.keyDelimiter)
  }
}

export function createValueCodec(
  format: ValueFormat,
  columns: readonly Column[],
  formats: FormatInfo,
): ColumnsCodec {
  switch (format) {
    case 'KAFKA':
      return kafkaCodec(columns)
    case 'JSON': {
      const wrap = columns.length !== 1 || formats.wrapSingleValue
      return sharedDecoding(`JSON ${wrap} ${JSON.stringify(columns)}`, jsonCodec(columns, { wrap }))
    }
    case 'DELIMITED':
      return delimitedCodec(columns, formats.valueDelimiter)
  }
}

/** Per value schema: a copy of the record bytes decoded last, and their values. */
const lastDecoded = new Map<string, { readers: number; bytes: Buffer | null; values: unknown[] | null }>()

/**
 * Several queries reading one topic receive the same record bytes one after another; the first
 * decodes them and the others with the same value schema reuse those values (rows are never
 * modified in place, so sharing them is safe). Malformed bytes are not remembered, so each query logs its own error.
 */
function sharedDecoding(schema: string, codec: ColumnsCodec): ColumnsCodec {
  let last = lastDecoded.get(schema)
  if (last === undefined) {
    last = { readers: 0, bytes: null, values: null }
    lastDecoded.set(schema, last)
  }
  const memo = last
  let reading = false
  return {
    serialize: codec.serialize,
    deserialize(bytes) {
      if (bytes === null) return null
      if (!reading) {
        reading = true
        memo.readers++
      }
      // A single reader of this schema has nothing to share: skip the copy.
      if (memo.readers < 2) return codec.deserialize(bytes)
      // Compared by content against a private copy: a producer may reuse one buffer for new data.
      if (memo.bytes !== null && memo.bytes.equals(bytes)) return memo.values
      const values = codec.deserialize(bytes)
      memo.bytes = Buffer.from(bytes)
      memo.values = values
      return values
    },
  }
}

function kafkaCodec(columns: readonly Column[]): ColumnsCodec {
  const column = columns[0] as Column
  const type = column.type
  return {
    serialize(values) {
      if (values === null) return null
      const v = values[0]
      if (v === null || v === undefined) return null
      switch (type.kind) {
        case 'INTEGER': {
          const b = Buffer.alloc(4)
          b.writeInt32BE(v as number)
          return b
        }
        case 'BIGINT':
        case 'TIMESTAMP': {
          const b = Buffer.alloc(8)
          b.writeBigInt64BE(BigInt(Math.trunc(v as number)))
          return b
        }
        case 'DOUBLE': {
          const b = Buffer.alloc(8)
          b.writeDoubleBE(v as number)
          return b
        }
        case 'BYTES':
          return v as Buffer
        default:
          return Buffer.from(String(v), 'utf8')
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null
      switch (type.kind) {
        case 'INTEGER':
          if (bytes.length !== 4)
            throw new RecordError(`Size of data received by IntegerDeserializer is not 4`)
          return [bytes.readInt32BE(0)]
        case 'BIGINT':
        case 'TIMESTAMP':
          if (bytes.length !== 8) throw new RecordError(`Size of data received by LongDeserializer is not 8`)
          return [Number(bytes.readBigInt64BE(0))]
        case 'DOUBLE':
          if (bytes.length !== 8)
            throw new RecordError(`Size of data received by DoubleDeserializer is not 8`)
          return [bytes.readDoubleBE(0)]
        case 'BYTES':
          return [bytes]
        default:
          return [bytes.toString('utf8')]
      }
    },
  }
}

function jsonCodec(columns: readonly Column[], options: { wrap: boolean }): ColumnsCodec {
  const wrap = options.wrap
  const fields = createFieldResolver(columns.map((c) => c.name))
  const writeObject = objectTextWriter(columns)
  return {
    serialize(values) {
      if (values === null) return null
      if (!wrap) return Buffer.from(JSON.stringify(toJsonNode(values[0])), 'utf8')
      return Buffer.from(writeObject(values), 'utf8')
    },
    deserialize(bytes) {
      if (bytes === null) return null
      let node: unknown
      try {
        node = JSON.parse(bytes.toString('utf8'))
      } catch (error) {
        throw new RecordError(`Failed to deserialize data: invalid JSON: ${(error as Error).message}`)
      }
      if (node === null) return null
      if (!wrap) return [fromJsonNode(node, (columns[0] as Column).type)]
      if (typeof node !== 'object' || Array.isArray(node)) {
        if (columns.length === 1) return [fromJsonNode(node, (columns[0] as Column).type)]
        throw new RecordError(
          `Can't convert type. sourceType: ${Array.isArray(node) ? 'ARRAY' : typeof node}, requiredType: STRUCT`,
        )
      }
      const obj = node as Record<string, unknown>
      const actual = fields(obj)
      const out = new Array<unknown>(columns.length)
      for (let i = 0; i < columns.length; i++) {
        const key = actual[i] ?? (columns[i] as Column).name
        out[i] = fromJsonNode(obj[key], (columns[i] as Column).type)
      }
      return out
    },
  }
}

/**
 * Column i → the record's own field holding it (exact name first, else the last field whose
 * upper-case spelling matches), or undefined when absent. Resolved once per field layout: a steady
 * stream repeats the same field names in the same order, so most records only compare key lists.
 */
function createFieldResolver(
  names: readonly string[],
): (obj: Record<string, unknown>) => (string | undefined)[] {
  let lastKeys: string[] = []
  let lastResolved: (string | undefined)[] = []
  return (obj) => {
    const keys = Object.keys(obj)
    if (keys.length === lastKeys.length) {
      let same = true
      for (let i = 0; i < keys.length; i++)
        if (keys[i] !== lastKeys[i]) {
          same = false
          break
        }
      if (same) return lastResolved
    }
    const own = new Set(keys)
    const upper = new Map<string, string>()
    for (const k of keys) upper.set(k.toUpperCase(), k)
    lastKeys = keys
    // An inherited property (`constructor`) answers before a case-insensitive match, as obj[name] would.
    lastResolved = names.map((name) =>
      own.has(name) || name in Object.prototype ? name : upper.get(name.toUpperCase()),
    )
    return lastResolved
  }
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/

/**
 * Values → `{"NAME":value,…}` text in column order, as JSON.stringify of the object would write it.
 * Names an object would reorder or drop (array indexes, `__proto__`, duplicates) take that path.
 */
function objectTextWriter(columns: readonly Column[]): (values: readonly unknown[]) => string {
  const names = columns.map((c) => c.name)
  const plain =
    new Set(names).size === names.length && names.every((n) => n !== '__proto__' && !ARRAY_INDEX.test(n))
  if (!plain)
    return (values) => {
      const obj: Record<string, unknown> = {}
      columns.forEach((c, i) => {
        obj[c.name] = toJsonNode(values[i])
      })
      return JSON.stringify(obj)
    }
  const prefixes = names.map((n, i) => `${i === 0 ? '' : ','}${JSON.stringify(n)}:`)
  return (values) => {
    let out = '{'
    for (let i = 0; i < prefixes.length; i++) {
      const v = values[i]
      out +=
        (prefixes[i] as string) + (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(toJsonNode(v)))
    }
    return `${out}}`
  }
}

function delimitedCodec(columns: readonly Column[], delimiter: string): ColumnsCodec {
  return {
    serialize(values) {
      if (values === null) return null
      return Buffer.from(
        joinDelimited(
          values.map((v, i) => formatDelimitedValue(v, (columns[i] as Column).type)),
          delimiter,
        ),
        'utf8',
      )
    },
    deserialize(bytes) {
      if (bytes === null) return null
      const fields = splitDelimited(bytes.toString('utf8'), delimiter)
      if (fields.length !== columns.length) {
        throw new RecordError(
          `Unexpected field count, csvFields:${fields.length} schemaFields:${columns.length}`,
        )
      }
      return columns.map((c, i) => parseDelimitedValue(fields[i] as string, c.type))
    },
  }
}

function formatDelimitedValue(value: unknown, type: SqlType): string | null {
  if (value === null || value === undefined) return null
  if (type.kind === 'DOUBLE') return formatJavaDouble(value as number)
  if (isDecimal(value)) return value.toString()
  if (Buffer.isBuffer(value)) return value.toString('base64')
  return String(value)
}

function parseDelimitedValue(text: string, type: SqlType): unknown {
  if (text === '') return null
  switch (type.kind) {
    case 'INTEGER':
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME': {
      const n = Number(text.trim())
      if (!Number.isInteger(n)) throw new RecordError(`Invalid ${formatSqlType(type)} value: '${text}'`)
      return n
    }
    case 'DOUBLE': {
      const n = Number(text.trim())
      if (Number.isNaN(n) && text.trim() !== 'NaN') throw new RecordError(`Invalid DOUBLE value: '${text}'`)
      return n
    }
    case 'DECIMAL':
      return fitDecimal(Decimal.parse(text.trim()), type.precision, type.scale)
    case 'BOOLEAN':
      return text.trim().toLowerCase() === 'true'
    case 'BYTES':
      return Buffer.from(text, 'base64')
    case 'STRING':
      return text
    default:
      throw new RecordError(`The 'DELIMITED' format does not support type '${type.kind}'`)
  }
}

/** Kafka Streams windowed key layout: time windows append the start; session windows end then start. */
export function wrapWindowedKey(
  key: Buffer | null,
  window: { start: number; end: number },
  session: boolean,
): Buffer {
  const base = key ?? Buffer.alloc(0)
  const suffix = Buffer.alloc(session ? 16 : 8)
  if (session) {
    suffix.writeBigInt64BE(BigInt(window.end), 0)
    suffix.writeBigInt64BE(BigInt(window.start), 8)
  } else suffix.writeBigInt64BE(BigInt(window.start), 0)
  return Buffer.concat([base, suffix])
}

export function unwrapWindowedKey(
  bytes: Buffer,
  session: boolean,
  sizeMs: number | null,
): { key: Buffer; start: number; end: number } {
  if (session) {
    if (bytes.length < 16) throw new RecordError('Windowed key too short')
    const end = Number(bytes.readBigInt64BE(bytes.length - 16))
    const start = Number(bytes.readBigInt64BE(bytes.length - 8))
    return { key: bytes.subarray(0, bytes.length - 16), start, end }
  }
  if (bytes.length < 8) throw new RecordError('Windowed key too short')
  const start = Number(bytes.readBigInt64BE(bytes.length - 8))
  return { key: bytes.subarray(0, bytes.length - 8), start, end: start + (sizeMs ?? 0) }
}
