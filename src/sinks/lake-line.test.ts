import { describe, expect, it } from 'vitest'
import type { ConsumedRecord } from '../kafka/ports.ts'
import { decodeRecord } from './decode-record.ts'
import { encodeRecordLine, lineText } from './lake-line.ts'

function record(key: string | null, value: Buffer | string | null): ConsumedRecord {
  const bytes = (v: Buffer | string | null) => (v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v))
  return {
    topic: 'T',
    partition: 2,
    offset: 7n,
    timestamp: 1_700_000_000_000,
    key: bytes(key),
    value: bytes(value),
    headers: {},
  }
}

describe('encodeRecordLine', () => {
  const cases: [string, string | null, Buffer | string | null][] = [
    ['no key', null, '{"a":1,"b":{"c":"São Paulo"}}'],
    ['a string key', 'TXN-1', '{"a":1}'],
    ['a numeric key', '42', '{"a":1}'],
    ['a key to escape', 'a"b\\c\u00e9', '{"a":1}'],
    ['a key that reads as a JSON literal', 'true', '{"a":1}'],
    ['an object key (spread into columns)', '{"K":1}', '{"a":1}'],
    ['an empty object', 'k', '{}'],
    ['a value with spaces', null, '  { "a" : [1, 2] } '],
    ['a pretty-printed value', null, '{\n  "a": 1\n}'],
    ['a value that has a lineage field', null, '{"_offset":1}'],
    ['a value that has a KEY field', 'k', '{"KEY":1}'],
    ['a value with an escaped key', 'k', '{"\\u004bEY":1,"b":2}'],
    ['a value that is not UTF-8', null, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
  ]
  it.each(cases)('gives the same row as decodeRecord for %s', (_name, key, value) => {
    const target = { kind: 'stream' as const, schema: null }
    const line = encodeRecordLine(record(key, value), target)
    const decoded = decodeRecord(record(key, value), target)
    expect(line.ok && decoded.ok).toBe(true)
    if (!line.ok || !decoded.ok) return
    const text = lineText(line.line)
    expect(text).not.toMatch(/\n/)
    expect(JSON.parse(text)).toEqual(decoded.row)
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(decoded.row))
  })

  it('splices a JSON object value from its own bytes', () => {
    const line = encodeRecordLine(record('TXN-1', ' {"a": 1.50} '), { kind: 'stream', schema: null })
    expect(line.ok && typeof line.line !== 'string').toBe(true)
    if (line.ok)
      expect(lineText(line.line)).toBe(
        '{"KEY":"TXN-1","a": 1.50,"_topic":"T","_partition":2,"_offset":7,' +
          '"_timestamp":1700000000000,"_deleted":false}',
      )
  })

  it('reports the same errors as decodeRecord', () => {
    for (const value of ['[1]', '{"a":', 'hello', '{"a":1}x']) {
      const line = encodeRecordLine(record(null, value), { kind: 'stream', schema: null })
      const decoded = decodeRecord(record(null, value), { kind: 'stream', schema: null })
      expect(line, value).toMatchObject({ ok: false, error: { part: 'value' } })
      expect(decoded.ok).toBe(false)
      if (!line.ok && !decoded.ok) expect(line.error.message).toBe(decoded.error.message)
    }
  })
})
