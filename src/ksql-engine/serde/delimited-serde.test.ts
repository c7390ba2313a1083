import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { RecordError } from '../types/record-error.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING, decimal } from '../types/sql-type.ts'
import { createDelimitedSerde, quoteField, splitDelimited } from './delimited-serde.ts'

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8')
const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

describe('DELIMITED serde', () => {
  const serde = createDelimitedSerde([
    { name: 'ID', type: BIGINT },
    { name: 'NAME', type: STRING },
    { name: 'VALUE', type: INTEGER },
  ])

  it('reads fields in column order with empty fields as NULL', () => {
    expect(serde.deserialize(bytes('0,zero,0'))).toEqual([0, 'zero', 0])
    expect(serde.deserialize(bytes(',456,foo'.replace('foo', '7')))).toEqual([null, '456', 7])
    expect(serde.deserialize(bytes('"1","a,b",2'))).toEqual([1, 'a,b', 2])
  })

  it('writes NULL as an empty field', () => {
    expect(text(serde.serialize([null, '456', 1]))).toBe(',456,1')
    expect(text(serde.serialize([0, null, null]))).toBe('0,,')
  })

  it('fails the record when the field count does not match', () => {
    expect(() => serde.deserialize(bytes('1,2'))).toThrow(RecordError)
    expect(() => serde.deserialize(bytes('x,a,1'))).toThrow(RecordError)
    // Integer.parseInt does not trim.
    expect(() => serde.deserialize(bytes(' 1,a,1'))).toThrow('For input string: " 1"')
  })

  it('honours custom delimiters', () => {
    const tab = createDelimitedSerde(
      [
        { name: 'A', type: STRING },
        { name: 'B', type: DOUBLE },
      ],
      '\t',
    )
    expect(tab.deserialize(bytes('x\t1.5'))).toEqual(['x', 1.5])
    expect(text(tab.serialize(['x', 10]))).toBe('x\t10.0')
  })

  it('rescales decimals and quotes like Commons CSV', () => {
    const dec = createDelimitedSerde([{ name: 'V', type: decimal(33, 16) }])
    expect(text(dec.serialize(dec.deserialize(bytes('.12'))))).toBe('0.1200000000000000')
    expect(text(dec.serialize([Decimal.parse('-12345.12')]))).toBe('"-12345.1200000000000000"')
    expect(dec.deserialize(bytes('"-12345.12"'))).toEqual([Decimal.parse('-12345.1200000000000000')])
  })

  it('reads quoted booleans', () => {
    const b = createDelimitedSerde([{ name: 'K', type: BOOLEAN }])
    expect(b.deserialize(bytes('"true"'))).toEqual([true])
  })
})

describe('quoteField', () => {
  it('quotes only when Commons CSV MINIMAL would', () => {
    expect(quoteField('abc', ',', true)).toBe('abc')
    expect(quoteField(' \t with white space \t', ',', true)).toBe('" \t with white space \t"')
    expect(quoteField('\t wit', ',', false)).toBe('"\t wit"')
    expect(quoteField('-1', ',', false)).toBe('-1')
    expect(quoteField('-1', ',', true)).toBe('"-1"')
    expect(quoteField('a,b', ',', false)).toBe('"a,b"')
    expect(quoteField('say "hi"', ',', false)).toBe('"say ""hi"""')
    expect(quoteField('', ',', false)).toBe('')
  })
})

describe('splitDelimited', () => {
  it('handles doubled quotes and multi-character delimiters', () => {
    expect(splitDelimited('"a""b",c', ',')).toEqual(['a"b', 'c'])
    expect(splitDelimited('a,,', ',')).toEqual(['a', '', ''])
    expect(() => splitDelimited('"open', ',')).toThrow(RecordError)
  })
})
