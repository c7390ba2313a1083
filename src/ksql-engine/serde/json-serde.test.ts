import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { RecordError } from '../types/record-error.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING, array, decimal, map, struct } from '../types/sql-type.ts'
import { createJsonSerde } from './json-serde.ts'

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8')
const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

describe('JSON serde', () => {
  const columns = [
    { name: 'ID', type: BIGINT },
    { name: 'NAME', type: STRING },
    { name: 'AMOUNT', type: decimal(6, 2) },
    { name: 'RATE', type: DOUBLE },
  ]
  const serde = createJsonSerde(columns, { wrapped: true })

  it('matches field names case-insensitively and fills missing fields with NULL', () => {
    expect(serde.deserialize(bytes('{"id": 1, "Name": "a", "amount": 1.5}'))).toEqual([
      1,
      'a',
      Decimal.parse('1.50'),
      null,
    ])
  })

  it('writes an object with the column names and ksqlDB number forms', () => {
    expect(text(serde.serialize([1, 'a', Decimal.parse('1.50'), 10]))).toBe(
      '{"ID":1,"NAME":"a","AMOUNT":1.50,"RATE":10.0}',
    )
    expect(text(serde.serialize([1, null, null, Number.NaN]))).toBe(
      '{"ID":1,"NAME":null,"AMOUNT":null,"RATE":"NaN"}',
    )
  })

  it('matches quoted mixed-case columns only by their exact spelling', () => {
    const s = createJsonSerde(
      [
        { name: 'foo', type: STRING },
        { name: 'BAR', type: STRING },
      ],
      { wrapped: true },
    )
    expect(s.deserialize(bytes('{"FOO": "x", "bar": "y"}'))).toEqual([null, 'y'])
    expect(s.deserialize(bytes('{"foo": "x"}'))).toEqual(['x', null])
  })

  it('reads an array into a STRING column as Java prints a list', () => {
    const s = createJsonSerde([{ name: 'S', type: STRING }], { wrapped: true })
    expect(s.deserialize(bytes('{"s": ["a", 1, null]}'))).toEqual(['[a, 1, null]'])
    expect(s.deserialize(bytes('{"s": {"k": [1]}}'))).toEqual(['{"k":[1]}'])
  })

  it('keeps matching when the spelling of field names changes between records', () => {
    const s = createJsonSerde([{ name: 'NAME', type: STRING }], { wrapped: true })
    expect(s.deserialize(bytes('{"name": "a"}'))).toEqual(['a'])
    expect(s.deserialize(bytes('{"name": "b"}'))).toEqual(['b'])
    expect(s.deserialize(bytes('{"Name": "c"}'))).toEqual(['c'])
    expect(s.deserialize(bytes('{"other": 1}'))).toEqual([null])
  })

  it('treats null bytes and a JSON null as a null row', () => {
    expect(serde.deserialize(null)).toBeNull()
    expect(serde.deserialize(bytes('null'))).toBeNull()
    expect(serde.serialize(null)).toBeNull()
  })

  it('coerces text and numbers across types', () => {
    const s = createJsonSerde(
      [
        { name: 'I', type: INTEGER },
        { name: 'S', type: array(STRING) },
        { name: 'B', type: BOOLEAN },
      ],
      { wrapped: true },
    )
    expect(s.deserialize(bytes('{"I": "10", "S": [1, 2.5, true], "B": true}'))).toEqual([
      10,
      ['1', '2.5', 'true'],
      true,
    ])
    // Like ksqlDB's JsonSerdeUtils: booleans are never coerced from text, integers only from exact digits.
    expect(() => s.deserialize(bytes('{"B": "true"}'))).toThrow("Can't convert type. sourceType: TextNode")
    expect(() => s.deserialize(bytes('{"I": " 10"}'))).toThrow(
      "Can't coerce string to type. targetType: INTEGER",
    )
  })

  it('fails the record on unparseable JSON or incompatible values', () => {
    expect(() => serde.deserialize(bytes('{not json'))).toThrow(RecordError)
    expect(() => serde.deserialize(bytes('{"ID": "abc"}'))).toThrow(RecordError)
    expect(() => serde.deserialize(bytes('[1]'))).toThrow(RecordError)
  })

  it('reads nested structs case-insensitively and maps keep their keys', () => {
    const s = createJsonSerde(
      [
        { name: 'S', type: struct([{ name: 'F', type: DOUBLE }]) },
        { name: 'M', type: map(STRING, INTEGER) },
      ],
      { wrapped: true },
    )
    const row = s.deserialize(bytes('{"s": {"f": 45.67}, "m": {"a": 1, "B": null}}'))
    expect(row).toEqual([
      { F: 45.67 },
      new Map([
        ['a', 1],
        ['B', null],
      ]),
    ])
    expect(text(s.serialize(row))).toBe('{"S":{"F":45.67},"M":{"a":1,"B":null}}')
  })

  it('unwraps a single column when asked, mapping a NULL value to null bytes', () => {
    const s = createJsonSerde([{ name: 'V', type: BOOLEAN }], { wrapped: false })
    expect(s.deserialize(bytes('true'))).toEqual([true])
    expect(s.deserialize(bytes('null'))).toBeNull()
    expect(text(s.serialize([false]))).toBe('false')
    expect(s.serialize([null])).toBeNull()
  })
})

describe('JSON serde with DECIMAL columns', () => {
  it('keeps every digit of large decimals', () => {
    const s = createJsonSerde([{ name: 'V', type: decimal(33, 16) }], { wrapped: true })
    const row = s.deserialize(bytes('{"v": 12345678987654321.2345678987654321}'))
    expect(String(row?.[0])).toBe('12345678987654321.2345678987654321')
    expect(text(s.serialize(row))).toBe('{"V":12345678987654321.2345678987654321}')
    expect(() => s.deserialize(bytes('{"v": }'))).toThrow(RecordError)
  })
})
