import { describe, expect, it } from 'vitest'
import type { FormatInfo } from '../../metastore/source.ts'
import { Decimal } from '../../types/decimal.ts'
import { createKeyCodec, createValueCodec, unwrapWindowedKey, wrapWindowedKey } from './record-codec.ts'

const formats: FormatInfo = {
  keyFormat: 'KAFKA',
  valueFormat: 'JSON',
  keyDelimiter: ',',
  valueDelimiter: ',',
  wrapSingleValue: true,
}
const INT = { kind: 'INTEGER' } as const
const STRING = { kind: 'STRING' } as const

describe('record codecs', () => {
  it('reads JSON values case-insensitively and writes upper-case names', () => {
    const codec = createValueCodec(
      'JSON',
      [
        { name: 'AMOUNT', type: { kind: 'DECIMAL', precision: 5, scale: 2 } },
        { name: 'loc', type: { kind: 'STRUCT', fields: [{ name: 'CITY', type: STRING }] } },
      ],
      formats,
    )
    const row = codec.deserialize(Buffer.from('{"amount": 1.5, "loc": {"city": "Paris"}}'))
    expect(row?.[0]).toBeInstanceOf(Decimal)
    expect(String(row?.[0])).toBe('1.50')
    expect(row?.[1]).toEqual({ CITY: 'Paris' })
    expect(codec.serialize(row)?.toString()).toBe('{"AMOUNT":1.5,"loc":{"CITY":"Paris"}}')
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

  it('writes KAFKA keys as big-endian primitives and JSON multi-column keys as objects', () => {
    expect(createKeyCodec('KAFKA', [{ name: 'K', type: INT }], formats).serialize([258])).toEqual(
      Buffer.from([0, 0, 1, 2]),
    )
    const json = createKeyCodec(
      'JSON',
      [
        { name: 'A', type: INT },
        { name: 'B', type: STRING },
      ],
      formats,
    )
    expect(json.serialize([1, 'x'])?.toString()).toBe('{"A":1,"B":"x"}')
    expect(json.serialize(json.deserialize(null))).toBeNull()
  })

  it('quotes DELIMITED fields as commons-csv does', () => {
    const codec = createValueCodec(
      'DELIMITED',
      [
        { name: 'A', type: STRING },
        { name: 'B', type: STRING },
        { name: 'C', type: { kind: 'DOUBLE' } },
      ],
      formats,
    )
    expect(codec.serialize(['-1', 'a,b', 1])?.toString()).toBe('"-1","a,b",1.0')
    expect(codec.deserialize(Buffer.from('"x,y",,2.5'))).toEqual(['x,y', null, 2.5])
  })

  it('wraps windowed keys: time = key + start, session = key + end + start', () => {
    const time = wrapWindowedKey(Buffer.from('k'), { start: 1000, end: 2000 }, false)
    expect(time.length).toBe(9)
    expect(unwrapWindowedKey(time, false, 1000)).toEqual({ key: Buffer.from('k'), start: 1000, end: 2000 })
    const session = wrapWindowedKey(Buffer.from('k'), { start: 5, end: 9 }, true)
    expect(Number(session.readBigInt64BE(1))).toBe(9)
    expect(unwrapWindowedKey(session, true, null)).toEqual({ key: Buffer.from('k'), start: 5, end: 9 })
  })
})
