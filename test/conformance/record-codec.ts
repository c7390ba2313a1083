/**
 * Turns QTT's JSON-ish records into Kafka bytes and back, using the schema and formats the engine
 * reports for the topic's source. Kept independent of the engine's own serde on purpose: the oracle
 * must not share the code it checks (formats per spec A4, windowed keys per Kafka Streams).
 */
import type { ColumnInfo, SourceInfo } from '../../src/ksql-engine/engine-api.ts'
import type { SqlType } from '../../src/ksql-engine/types/sql-type.ts'
import type { QttWindow } from './qtt-case.ts'

export interface DecodedRecord {
  readonly key: unknown
  readonly value: unknown
  readonly timestamp: number
  readonly window: QttWindow | null
}

type Format = string

export function encodeKey(
  key: unknown,
  source: SourceInfo | null,
  window: QttWindow | undefined,
): Buffer | null {
  const bytes = encodeKeyBody(key, source)
  if (window === undefined) return bytes
  const body = bytes ?? Buffer.alloc(0)
  if (window.type === 'session') return Buffer.concat([body, int64(window.end), int64(window.start)])
  return Buffer.concat([body, int64(window.start)])
}

function encodeKeyBody(key: unknown, source: SourceInfo | null): Buffer | null {
  if (key === null || key === undefined) return null
  const format: Format = source?.keyFormat ?? guessFormat(key)
  const keyColumns = source?.columns.filter((c) => c.namespace === 'KEY') ?? []
  switch (format) {
    case 'NONE':
      return null
    case 'JSON':
      return Buffer.from(JSON.stringify(key))
    case 'DELIMITED':
      return Buffer.from(typeof key === 'string' ? key : String(key))
    default:
      return encodeKafka(key, keyColumns.length === 1 ? keyColumns[0]! : null)
  }
}

export function encodeValue(value: unknown, source: SourceInfo | null): Buffer | null {
  if (value === null || value === undefined) return null
  const format: Format = source?.valueFormat ?? guessFormat(value)
  const valueColumns = source?.columns.filter((c) => c.namespace === 'VALUE') ?? []
  switch (format) {
    case 'JSON':
      return Buffer.from(JSON.stringify(value))
    case 'DELIMITED':
      return Buffer.from(typeof value === 'string' ? value : String(value))
    default:
      return encodeKafka(value, valueColumns.length === 1 ? valueColumns[0]! : null)
  }
}

function guessFormat(data: unknown): Format {
  return typeof data === 'object' ? 'JSON' : typeof data === 'number' ? 'KAFKA' : 'DELIMITED'
}

/** KAFKA format: one primitive, big-endian numbers, UTF-8 strings. */
function encodeKafka(data: unknown, column: ColumnInfo | null): Buffer {
  const kind =
    column?.type.kind ??
    (typeof data === 'number' ? (Number.isInteger(data) ? 'INTEGER' : 'DOUBLE') : 'STRING')
  switch (kind) {
    case 'INTEGER': {
      const b = Buffer.alloc(4)
      b.writeInt32BE(Number(data))
      return b
    }
    case 'BIGINT':
    case 'TIMESTAMP':
      return int64(Number(data))
    case 'DOUBLE': {
      const b = Buffer.alloc(8)
      b.writeDoubleBE(Number(data))
      return b
    }
    case 'BYTES':
      return Buffer.from(String(data), 'base64')
    default:
      return Buffer.from(typeof data === 'string' ? data : JSON.stringify(data))
  }
}

function int64(n: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(BigInt(Math.trunc(n)))
  return b
}

export function decodeRecord(
  record: { readonly key: Buffer | null; readonly value: Buffer | null; readonly timestamp: number },
  source: SourceInfo | null,
): DecodedRecord {
  let keyBytes = record.key
  let window: QttWindow | null = null
  if (source?.windowType != null && keyBytes !== null) {
    if (source.windowType === 'SESSION' && keyBytes.length >= 16) {
      const end = Number(keyBytes.readBigInt64BE(keyBytes.length - 16))
      const start = Number(keyBytes.readBigInt64BE(keyBytes.length - 8))
      window = { start, end, type: 'session' }
      keyBytes = keyBytes.subarray(0, keyBytes.length - 16)
    } else if (keyBytes.length >= 8) {
      const start = Number(keyBytes.readBigInt64BE(keyBytes.length - 8))
      window = { start, end: start + (source.windowSizeMs ?? 0), type: 'time' }
      keyBytes = keyBytes.subarray(0, keyBytes.length - 8)
    }
  }
  const keyColumns = source?.columns.filter((c) => c.namespace === 'KEY') ?? []
  const valueColumns = source?.columns.filter((c) => c.namespace === 'VALUE') ?? []
  // A DELIMITED key holding only NULL columns is an empty string on the wire.
  const emptyDelimitedKey = source?.keyFormat === 'DELIMITED' && keyBytes !== null && keyBytes.length === 0
  return {
    key: emptyDelimitedKey ? null : decodeData(keyBytes, source?.keyFormat ?? null, keyColumns),
    value: decodeData(record.value, source?.valueFormat ?? null, valueColumns),
    timestamp: record.timestamp,
    window,
  }
}

function decodeData(bytes: Buffer | null, format: Format | null, columns: readonly ColumnInfo[]): unknown {
  if (bytes === null) return null
  switch (format) {
    case 'NONE':
      return null
    case 'DELIMITED':
      return bytes.toString('utf8')
    case 'KAFKA':
      return decodeKafka(bytes, columns.length === 1 ? columns[0]! : null)
    case 'JSON':
      return parseJsonOrText(bytes)
    default:
      // No source known for the topic: show what is there.
      return parseJsonOrText(bytes)
  }
}

function parseJsonOrText(bytes: Buffer): unknown {
  const text = bytes.toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function decodeKafka(bytes: Buffer, column: ColumnInfo | null): unknown {
  switch (column?.type.kind) {
    case 'INTEGER':
      return bytes.length === 4 ? bytes.readInt32BE(0) : `<${bytes.length} bytes for INT>`
    case 'BIGINT':
    case 'TIMESTAMP':
      return bytes.length === 8 ? Number(bytes.readBigInt64BE(0)) : `<${bytes.length} bytes for BIGINT>`
    case 'DOUBLE':
      return bytes.length === 8 ? bytes.readDoubleBE(0) : `<${bytes.length} bytes for DOUBLE>`
    case 'BYTES':
      return bytes.toString('base64')
    default:
      return bytes.toString('utf8')
  }
}

/**
 * The expected side in the sink's types: QTT writes DECIMAL values as strings ("3.40") which the
 * upstream harness reads through the schema; here they become numbers, as JSON outputs carry them.
 */
export function expectedInSinkTypes(
  expected: unknown,
  columns: readonly ColumnInfo[],
  wrapped: boolean,
): unknown {
  if (columns.length === 0 || expected === null || expected === undefined) return expected
  if (!wrapped) return columns.length === 1 ? inType(expected, columns[0]!.type) : expected
  if (typeof expected !== 'object' || Array.isArray(expected)) return expected
  const out: Record<string, unknown> = { ...(expected as Record<string, unknown>) }
  for (const column of columns) {
    if (column.name in out) out[column.name] = inType(out[column.name], column.type)
  }
  return out
}

function inType(value: unknown, type: SqlType): unknown {
  if (value === null || value === undefined) return value
  switch (type.kind) {
    case 'DECIMAL':
      return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
        ? Number(value)
        : value
    case 'ARRAY':
      return Array.isArray(value) ? value.map((v) => inType(v, type.element)) : value
    case 'MAP':
      return typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, inType(v, type.value)]),
          )
        : value
    case 'STRUCT': {
      if (typeof value !== 'object' || Array.isArray(value)) return value
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) }
      for (const field of type.fields)
        if (field.name in out) out[field.name] = inType(out[field.name], field.type)
      return out
    }
    default:
      return value
  }
}
