import { describe, expect, it } from 'vitest'
import type { ConsumedRecord } from '../kafka/ports.ts'
import type { SourceColumn, SourceSchema } from '../ksql-client/source-schema.ts'
import { decodeRecord } from './decode-record.ts'

function record(key: Buffer | string | null, value: Buffer | string | null, offset = 7n): ConsumedRecord {
  const bytes = (v: Buffer | string | null) => (v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v))
  return {
    topic: 'T',
    partition: 2,
    offset,
    timestamp: 1_700_000_000_000,
    key: bytes(key),
    value: bytes(value),
    headers: {},
  }
}

const col = (name: string, type: string): SourceColumn => ({ name, type, schema: { type } })

function schema(overrides: Partial<SourceSchema>): SourceSchema {
  return {
    name: 'S',
    kind: 'table',
    topic: 'T',
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    keyColumns: [],
    valueColumns: [],
    windowType: null,
    windowSizeMs: null,
    ...overrides,
  }
}

const lineage = { _topic: 'T', _partition: 2, _offset: 7, _timestamp: 1_700_000_000_000 }

describe('decodeRecord with a ksqlDB schema', () => {
  it('puts a plain KAFKA string key column next to the value columns', () => {
    const s = schema({
      keyColumns: [col('PRODUCT_ID', 'STRING')],
      valueColumns: [col('PURCHASE_COUNT', 'BIGINT')],
    })
    const decoded = decodeRecord(record('PROD-101', '{"PURCHASE_COUNT":3}'), { kind: 'table', schema: s })
    expect(decoded).toEqual({
      ok: true,
      deleted: false,
      row: { PRODUCT_ID: 'PROD-101', PURCHASE_COUNT: 3, ...lineage, _deleted: false },
    })
  })

  it('decodes KAFKA INTEGER, BIGINT and DOUBLE keys from big-endian bytes', () => {
    const int = Buffer.alloc(4)
    int.writeInt32BE(-5)
    const big = Buffer.alloc(8)
    big.writeBigInt64BE(1234567890123n)
    const dbl = Buffer.alloc(8)
    dbl.writeDoubleBE(2.5)
    const decode = (key: Buffer, type: string) =>
      decodeRecord(record(key, '{}'), { kind: 'table', schema: schema({ keyColumns: [col('K', type)] }) })
    expect(decode(int, 'INTEGER')).toMatchObject({ ok: true, row: { K: -5 } })
    expect(decode(big, 'BIGINT')).toMatchObject({ ok: true, row: { K: 1234567890123 } })
    expect(decode(dbl, 'DOUBLE')).toMatchObject({ ok: true, row: { K: 2.5 } })
    expect(decode(int, 'BIGINT')).toMatchObject({ ok: false, error: { part: 'key' } })
  })

  it('matches value fields case-insensitively whichever spelling each record uses', () => {
    const s = schema({ valueColumns: [col('USER_ID', 'STRING'), col('AMOUNT', 'DOUBLE')] })
    const rows = ['{"user_id":"U1","amount":1}', '{"User_Id":"U2","AMOUNT":2}', '{"amount":3}'].map((value) =>
      decodeRecord(record(null, value), { kind: 'stream', schema: s }),
    )
    expect(rows.map((r) => (r.ok ? [r.row['USER_ID'], r.row['AMOUNT']] : r.error.message))).toEqual([
      ['U1', 1],
      ['U2', 2],
      [null, 3],
    ])
  })

  it('spreads a multi-column JSON key into its columns, matching names case-insensitively', () => {
    const s = schema({
      keyFormat: 'JSON',
      keyColumns: [col('USER_ID', 'STRING'), col('TRANSACTION_TYPE', 'STRING')],
      valueColumns: [col('TOTAL_USD', 'DOUBLE')],
    })
    const decoded = decodeRecord(
      record('{"USER_ID":"USER-1001","transaction_type":"refund"}', '{"TOTAL_USD":12.5}'),
      {
        kind: 'table',
        schema: s,
      },
    )
    expect(decoded).toMatchObject({
      ok: true,
      row: { USER_ID: 'USER-1001', TRANSACTION_TYPE: 'refund', TOTAL_USD: 12.5 },
    })
  })

  it('reads a single-column JSON key as the bare value', () => {
    const s = schema({ keyFormat: 'JSON', keyColumns: [col('ID', 'INTEGER')] })
    expect(decodeRecord(record('42', '{}'), { kind: 'table', schema: s })).toMatchObject({
      ok: true,
      row: { ID: 42 },
    })
  })

  it('splits a hopping-window key into the key and WINDOWSTART / WINDOWEND', () => {
    const start = 1_744_104_000_000n
    const key = Buffer.concat([Buffer.from('purchase'), Buffer.alloc(8)])
    key.writeBigInt64BE(start, key.length - 8)
    const s = schema({
      keyColumns: [col('TRANSACTION_TYPE', 'STRING')],
      valueColumns: [col('TOTAL', 'DOUBLE')],
      windowType: 'HOPPING',
      windowSizeMs: 300_000,
    })
    expect(decodeRecord(record(key, '{"TOTAL":1}'), { kind: 'table', schema: s })).toMatchObject({
      ok: true,
      row: {
        TRANSACTION_TYPE: 'purchase',
        WINDOWSTART: 1_744_104_000_000,
        WINDOWEND: 1_744_104_300_000,
        TOTAL: 1,
      },
    })
  })

  it('reads a session-window key as key + end + start', () => {
    const key = Buffer.concat([Buffer.from('"u1"'), Buffer.alloc(16)])
    key.writeBigInt64BE(2000n, key.length - 16)
    key.writeBigInt64BE(1000n, key.length - 8)
    const s = schema({ keyFormat: 'JSON', keyColumns: [col('U', 'STRING')], windowType: 'SESSION' })
    expect(decodeRecord(record(key, '{}'), { kind: 'table', schema: s })).toMatchObject({
      ok: true,
      row: { U: 'u1', WINDOWSTART: 1000, WINDOWEND: 2000 },
    })
  })

  it('keeps a table tombstone as a row marked deleted, with its key', () => {
    const s = schema({ keyColumns: [col('ID', 'STRING')], valueColumns: [col('V', 'INTEGER')] })
    expect(decodeRecord(record('a', null), { kind: 'table', schema: s })).toEqual({
      ok: true,
      deleted: true,
      row: { ID: 'a', V: null, ...lineage, _deleted: true },
    })
  })

  it('keeps nested structs as objects', () => {
    const s = schema({
      kind: 'stream',
      valueColumns: [col('LOCATION', 'STRUCT'), col('AMOUNT', 'DOUBLE')],
    })
    const decoded = decodeRecord(
      record(null, '{"LOCATION":{"CITY":"Paris","COUNTRY":"France"},"AMOUNT":5}'),
      {
        kind: 'stream',
        schema: s,
      },
    )
    expect(decoded).toMatchObject({
      ok: true,
      row: { LOCATION: { CITY: 'Paris', COUNTRY: 'France' }, AMOUNT: 5 },
    })
  })

  it('decodes DELIMITED keys and values by column order and type', () => {
    const s = schema({
      keyFormat: 'DELIMITED',
      valueFormat: 'DELIMITED',
      keyColumns: [col('A', 'STRING'), col('B', 'INTEGER')],
      valueColumns: [col('C', 'DOUBLE'), col('D', 'STRING')],
    })
    expect(decodeRecord(record('x,1', '2.5,'), { kind: 'table', schema: s })).toMatchObject({
      ok: true,
      row: { A: 'x', B: 1, C: 2.5, D: null },
    })
  })

  it('reports invalid JSON and wrong shapes as decode errors instead of throwing', () => {
    const s = schema({ kind: 'stream', valueColumns: [col('LOCATION', 'STRUCT'), col('X', 'INTEGER')] })
    const bad = decodeRecord(record(null, '{not json'), { kind: 'stream', schema: s })
    expect(bad).toMatchObject({ ok: false, error: { part: 'value' } })
    expect(bad.ok ? '' : bad.error.message).toMatch(/invalid JSON/)
    const shape = decodeRecord(record(null, '{"LOCATION":"Paris"}'), { kind: 'stream', schema: s })
    expect(shape.ok ? '' : shape.error.message).toMatch(/LOCATION: expected STRUCT/)
    const array = decodeRecord(record(null, '[1,2]'), { kind: 'stream', schema: s })
    expect(array.ok ? '' : array.error.message).toMatch(/expected a JSON object/)
  })
})

describe('decodeRecord without a schema', () => {
  it('reads a string key into KEY and the JSON value fields as columns', () => {
    expect(decodeRecord(record('TXN-1a2b3c4d', '{"amount":5}'), { kind: 'stream', schema: null })).toEqual({
      ok: true,
      deleted: false,
      row: { KEY: 'TXN-1a2b3c4d', amount: 5, ...lineage, _deleted: false },
    })
  })

  it('spreads a JSON object key into columns', () => {
    expect(decodeRecord(record('{"A":1,"B":"x"}', '{"V":2}'), { kind: 'table', schema: null })).toMatchObject(
      {
        ok: true,
        row: { A: 1, B: 'x', V: 2 },
      },
    )
  })

  it('marks a null value on a table as deleted, and sends one on a stream to the dead letters', () => {
    expect(decodeRecord(record('k', null), { kind: 'table', schema: null })).toMatchObject({
      ok: true,
      deleted: true,
    })
    // ksqlDB reads no row from a stream's null value: not a row of NULLs with _deleted false.
    const onStream = decodeRecord(record('k', null), { kind: 'stream', schema: null })
    expect(onStream.ok).toBe(false)
    if (!onStream.ok) {
      expect(onStream.error.part).toBe('value')
      expect(onStream.error.message).toContain('ksqlDB reads no row from it')
    }
  })

  it('rejects a value that is not a JSON object', () => {
    expect(decodeRecord(record(null, '42'), { kind: 'stream', schema: null })).toMatchObject({ ok: false })
    expect(decodeRecord(record(null, 'hello'), { kind: 'stream', schema: null })).toMatchObject({ ok: false })
  })
})
