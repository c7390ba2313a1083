import { describe, expect, it } from 'vitest'
import { isNullKey } from '../expression/row.ts'
import type { FormatInfo } from '../metastore/source.ts'
import { Decimal } from '../types/decimal.ts'
import { createValueSerde } from '../serde/index.ts'
import { createKeyCodec, createValueCodec } from './record-serdes.ts'

const formats: FormatInfo = {
  keyFormat: 'KAFKA',
  valueFormat: 'JSON',
  keyDelimiter: ',',
  valueDelimiter: ',',
  wrapSingleValue: true,
}
const INT = { kind: 'INTEGER' } as const
const STRING = { kind: 'STRING' } as const

describe('runtime record serdes (over serde/)', () => {
  it('reads JSON values case-insensitively and writes the column names, doubles as Java does', () => {
    const codec = createValueCodec(
      'JSON',
      [
        { name: 'AMOUNT', type: { kind: 'DECIMAL', precision: 5, scale: 2 } },
        { name: 'loc', type: { kind: 'STRUCT', fields: [{ name: 'CITY', type: STRING }] } },
        { name: 'D', type: { kind: 'DOUBLE' } },
      ],
      formats,
    )
    const row = codec.deserialize(Buffer.from('{"amount": 1.5, "loc": {"city": "Paris"}, "d": 2}'))
    expect(row?.[0]).toBeInstanceOf(Decimal)
    expect(String(row?.[0])).toBe('1.50')
    expect(row?.[1]).toEqual({ CITY: 'Paris' })
    expect(codec.serialize(row)?.toString()).toBe('{"AMOUNT":1.50,"loc":{"CITY":"Paris"},"D":2.0}')
  })

  it('wraps a single JSON value column unless WRAP_SINGLE_VALUE is false', () => {
    const cols = [{ name: 'V', type: INT }]
    expect(createValueCodec('JSON', cols, formats).serialize([7])?.toString()).toBe('{"V":7}')
    expect(
      createValueCodec('JSON', cols, { ...formats, wrapSingleValue: false })
        .serialize([7])
        ?.toString(),
    ).toBe('7')
  })

  it('reads a missing Kafka key as a marked null key, which writes a null key again', () => {
    const json = createKeyCodec(
      'JSON',
      [
        { name: 'A', type: INT },
        { name: 'B', type: STRING },
      ],
      { ...formats, keyFormat: 'JSON' },
    )
    expect(json.serialize([1, 'x'])?.toString()).toBe('{"A":1,"B":"x"}')
    // Key columns that are all NULL are still an object; only a missing key is a null key.
    expect(json.serialize([null, null])?.toString()).toBe('{"A":null,"B":null}')
    const missing = json.deserialize(null)
    expect(missing).toEqual([null, null])
    expect(isNullKey(missing as unknown[])).toBe(true)
    expect(json.serialize(missing)).toBeNull()
  })

  it('writes KAFKA keys as big-endian primitives and DELIMITED keys with the key delimiter', () => {
    expect(createKeyCodec('KAFKA', [{ name: 'K', type: INT }], formats).serialize([258])).toEqual(
      Buffer.from([0, 0, 1, 2]),
    )
    const delimited = createKeyCodec(
      'DELIMITED',
      [
        { name: 'A', type: INT },
        { name: 'B', type: STRING },
      ],
      { ...formats, keyDelimiter: '|' },
    )
    expect(delimited.serialize([1, 'x'])?.toString()).toBe('1|x')
    expect(delimited.deserialize(Buffer.from('2|y'))).toEqual([2, 'y'])
  })

  describe('a reader of the bytes a sink of the same layout just wrote', () => {
    const columns = [
      { name: 'S', type: STRING },
      { name: 'D', type: { kind: 'DOUBLE' } as const },
      { name: 'I', type: INT },
      { name: 'B', type: { kind: 'BIGINT' } as const },
    ]
    const fresh = createValueSerde('JSON', columns)

    it('takes the written values when they read back exactly, and they equal a fresh parse', () => {
      const writer = createValueCodec('JSON', columns, formats)
      const reader = createValueCodec('JSON', columns, formats)
      // Nothing is remembered for a layout no query reads yet: the first record is parsed.
      const first = ['first', 1, 1, 1]
      expect(reader.deserialize(writer.serialize(first))).not.toBe(first)
      for (const values of [
        ['a"\\\u0001\ud800é😀', 30, 7, 1743465600000],
        [null, -0, -5, -1],
        ['x', 1e-7, 2147483647, 2 ** 53 - 1],
      ]) {
        const bytes = writer.serialize(values) as Buffer
        const read = reader.deserialize(bytes)
        expect(read).toBe(values)
        expect(fresh.deserialize(bytes)).toEqual(values)
      }
    })

    it('parses the bytes when the values would not read back as they are', () => {
      const writer = createValueCodec('JSON', columns, formats)
      const reader = createValueCodec('JSON', columns, formats)
      for (const values of [
        ['a', Number.NaN, 1, 1],
        ['a', 1, -0, 1],
        ['a', 1, 1, 1.5],
        [5, 1, 1, 1],
        ['a', 1, 1, undefined],
      ]) {
        const bytes = writer.serialize(values) as Buffer
        const read = reader.deserialize(bytes)
        expect(read).not.toBe(values)
        expect(read).toEqual(fresh.deserialize(bytes))
      }
    })

    it('gives a sink the bytes of its layout again for the same values, not for equal-looking ones', () => {
      const first = createValueCodec('JSON', columns, formats)
      const second = createValueCodec('JSON', columns, formats)
      const bytes = first.serialize(['a', 1.5, 1, 2]) as Buffer
      expect(second.serialize(['a', 1.5, 1, 2])).toBe(bytes)
      const negativeZero = second.serialize(['a', -0, 1, 2])
      expect(negativeZero?.toString()).toBe('{"S":"a","D":-0.0,"I":1,"B":2}')
      expect(second.serialize(['a', 0, 1, 2])?.toString()).toBe('{"S":"a","D":0.0,"I":1,"B":2}')
    })

    it('parses a copy of the same bytes (a buffer it did not write)', () => {
      const writer = createValueCodec('JSON', columns, formats)
      const reader = createValueCodec('JSON', columns, formats)
      const values = ['a', 1.5, 1, 2]
      const bytes = writer.serialize(values) as Buffer
      const copy = Buffer.from(bytes)
      expect(reader.deserialize(copy)).not.toBe(values)
      expect(reader.deserialize(copy)).toEqual(values)
    })
  })
})
