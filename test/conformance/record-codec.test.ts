import { describe, expect, it } from 'vitest'
import { array, BIGINT, decimal, DOUBLE, INTEGER, STRING } from '../../src/ksql-engine/types/sql-type.ts'
import { compareTopic, recordMismatch, valuesEqual } from './compare.ts'
import { fakeSource } from './fake-engine.ts'
import { decodeRecord, encodeKey, encodeValue, expectedInSinkTypes } from './record-codec.ts'

describe('encoding QTT inputs', () => {
  it('writes KAFKA keys by column type', () => {
    const intKey = fakeSource('S', 't', [['K', INTEGER, 'KEY']])
    expect(encodeKey(7, intKey, undefined)).toEqual(Buffer.from([0, 0, 0, 7]))
    const bigKey = fakeSource('S', 't', [['K', BIGINT, 'KEY']])
    expect(encodeKey(1, bigKey, undefined)?.length).toBe(8)
    const doubleKey = fakeSource('S', 't', [['K', DOUBLE, 'KEY']])
    expect(encodeKey(1.5, doubleKey, undefined)?.readDoubleBE(0)).toBe(1.5)
    const stringKey = fakeSource('S', 't', [['K', STRING, 'KEY']])
    expect(encodeKey('abc', stringKey, undefined)?.toString()).toBe('abc')
    expect(encodeKey(null, stringKey, undefined)).toBeNull()
  })

  it('writes JSON and DELIMITED keys and values as text', () => {
    const json = fakeSource('S', 't', [['K', INTEGER, 'KEY']], { keyFormat: 'JSON' })
    expect(encodeKey({ K: 1, K2: 'a' }, json, undefined)?.toString()).toBe('{"K":1,"K2":"a"}')
    expect(encodeValue({ V: 1 }, json)?.toString()).toBe('{"V":1}')
    const delimited = fakeSource('S', 't', [['K', INTEGER, 'KEY']], {
      keyFormat: 'DELIMITED',
      valueFormat: 'DELIMITED',
    })
    expect(encodeKey('1,a', delimited, undefined)?.toString()).toBe('1,a')
    expect(encodeValue('x,2', delimited)?.toString()).toBe('x,2')
    expect(encodeValue(null, delimited)).toBeNull()
  })

  it('appends window bounds to windowed keys like Kafka Streams', () => {
    const s = fakeSource('S', 't', [['K', STRING, 'KEY']])
    const time = encodeKey('a', s, { start: 1000, end: 2000, type: 'time' })!
    expect(time.length).toBe(1 + 8)
    expect(Number(time.readBigInt64BE(1))).toBe(1000)
    const session = encodeKey('a', s, { start: 1000, end: 2000, type: 'session' })!
    expect(Number(session.readBigInt64BE(1))).toBe(2000)
    expect(Number(session.readBigInt64BE(9))).toBe(1000)
  })
})

describe('decoding engine outputs', () => {
  it('splits the window off windowed keys and computes the end of time windows', () => {
    const s = fakeSource(
      'T',
      'T',
      [
        ['K', STRING, 'KEY'],
        ['C', BIGINT, 'VALUE'],
      ],
      {
        type: 'TABLE',
        windowType: 'HOPPING',
        windowSizeMs: 30_000,
      },
    )
    const key = encodeKey('a', s, { start: 15_000, end: 45_000, type: 'time' })
    const decoded = decodeRecord({ key, value: Buffer.from('{"C":2}'), timestamp: 20_000 }, s)
    expect(decoded).toEqual({
      key: 'a',
      value: { C: 2 },
      timestamp: 20_000,
      window: { start: 15_000, end: 45_000, type: 'time' },
    })
  })

  it('decodes session windows (end then start) and KAFKA values', () => {
    const s = fakeSource(
      'T',
      'T',
      [
        ['K', INTEGER, 'KEY'],
        ['C', BIGINT, 'VALUE'],
      ],
      {
        windowType: 'SESSION',
        valueFormat: 'KAFKA',
      },
    )
    const key = encodeKey(3, s, { start: 10, end: 20, type: 'session' })
    const value = encodeValue(5, s)
    expect(decodeRecord({ key, value, timestamp: 20 }, s)).toEqual({
      key: 3,
      value: 5,
      timestamp: 20,
      window: { start: 10, end: 20, type: 'session' },
    })
  })

  it('shows raw text when no source describes the topic', () => {
    expect(
      decodeRecord({ key: Buffer.from('k'), value: Buffer.from('{"A":1}'), timestamp: 0 }, null),
    ).toMatchObject({
      key: 'k',
      value: { A: 1 },
    })
  })
})

describe('expected values in the sink types', () => {
  it('reads DECIMAL strings as numbers inside JSON rows, structs and arrays', () => {
    const columns = fakeSource('S', 't', [
      ['D', decimal(4, 2), 'VALUE'],
      ['S', STRING, 'VALUE'],
      ['A', array(decimal(3, 1)), 'VALUE'],
    ]).columns
    expect(expectedInSinkTypes({ D: '3.40', S: '3.40', A: ['1.0', null] }, columns, true)).toEqual({
      D: 3.4,
      S: '3.40',
      A: [1, null],
    })
    expect(expectedInSinkTypes('1.50', [columns[0]!], false)).toBe(1.5)
    expect(expectedInSinkTypes(null, columns, true)).toBeNull()
  })
})

describe('comparing records', () => {
  it('compares numbers by value and objects field by field', () => {
    expect(valuesEqual(JSON.parse('{"A": 1.0}'), { A: 1 })).toBe(true)
    expect(valuesEqual({ A: 1 }, { A: 1, B: null })).toBe(false)
    // upstream reads a missing actual field as null and falls back to the upper-case name
    expect(valuesEqual({ TYPO: null, B: 2 }, { A: null, B: 2 })).toBe(true)
    expect(valuesEqual({ TYPO: 1, B: 2 }, { A: 1, B: 2 })).toBe(false)
    expect(valuesEqual({ b: 2 }, { B: 2 })).toBe(true)
    expect(valuesEqual({ A: null }, { A: null })).toBe(true)
    expect(valuesEqual([1, 2], [1, 2])).toBe(true)
    expect(valuesEqual([1, 2], [2, 1])).toBe(false)
    expect(valuesEqual('1', 1)).toBe(false)
    expect(valuesEqual(null, undefined)).toBe(true)
  })

  it('checks timestamp and window only when expected', () => {
    const actual = { key: 1, value: 'a', timestamp: 5, window: { start: 0, end: 10, type: 'time' as const } }
    expect(recordMismatch({ topic: 't', key: 1, value: 'a' }, actual)).toBeNull()
    expect(recordMismatch({ topic: 't', key: 1, value: 'a', timestamp: 6 }, actual)).toBe('timestamp')
    expect(
      recordMismatch({ topic: 't', key: 2, value: 'b', window: { start: 0, end: 20, type: 'time' } }, actual),
    ).toBe('key+value+window')
  })

  it('reports missing and extra records per topic', () => {
    const r = { key: 1, value: 'a', timestamp: 0, window: null }
    expect(compareTopic('t', [{ topic: 't', key: 1, value: 'a' }], [r])).toBeNull()
    expect(compareTopic('t', [{ topic: 't', key: 1, value: 'a' }], [r, r])?.what).toBe('extra records')
    expect(compareTopic('t', [{ topic: 't', key: 1, value: 'a' }], [])?.what).toBe('missing records')
  })
})
