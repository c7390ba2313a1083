import { describe, expect, it } from 'vitest'

import { DOUBLE, INTEGER, STRING, struct } from '../types/sql-type.ts'
import { createKeySerde, createValueSerde } from './create-serde.ts'

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

describe('createKeySerde', () => {
  it('writes a single JSON key column unwrapped and several as an object', () => {
    const single = createKeySerde('JSON', [{ name: 'K', type: struct([{ name: 'F', type: DOUBLE }]) }])
    expect(single.deserialize(Buffer.from('{"f": 45.67}'))).toEqual([{ F: 45.67 }])
    expect(text(single.serialize([{ F: 45.67 }]))).toBe('{"F":45.67}')
    const multi = createKeySerde('JSON', [
      { name: 'K1', type: STRING },
      { name: 'K2', type: INTEGER },
    ])
    expect(text(multi.serialize(['a', 1]))).toBe('{"K1":"a","K2":1}')
  })

  it('treats null key bytes as no key but writes NULL columns of a multi-column key', () => {
    const serde = createKeySerde('DELIMITED', [
      { name: 'K1', type: STRING },
      { name: 'K2', type: STRING },
    ])
    expect(serde.deserialize(null)).toBeNull()
    expect(serde.serialize(null)).toBeNull()
    expect(text(serde.serialize([null, null]))).toBe(',')
    const json = createKeySerde('JSON', [
      { name: 'ID', type: INTEGER },
      { name: 'AGE', type: INTEGER },
    ])
    expect(text(json.serialize([null, null]))).toBe('{"ID":null,"AGE":null}')
    const single = createKeySerde('JSON', [{ name: 'K', type: INTEGER }])
    expect(single.serialize([null])).toBeNull()
    expect(serde.deserialize(Buffer.from('"foo","bar"'))).toEqual(['foo', 'bar'])
    expect(text(serde.serialize(['foo', 'bar']))).toBe('foo,bar')
  })

  it('ignores keys for the NONE format', () => {
    const serde = createKeySerde('NONE', [])
    expect(serde.deserialize(Buffer.from('x'))).toEqual([])
    expect(serde.serialize([])).toBeNull()
  })

  it('uses the KEY_DELIMITER', () => {
    const serde = createKeySerde(
      'DELIMITED',
      [
        { name: 'K1', type: STRING },
        { name: 'K2', type: STRING },
      ],
      { delimiter: ';' },
    )
    expect(serde.deserialize(Buffer.from('foo,bar;baz'))).toEqual(['foo,bar', 'baz'])
  })
})

describe('createValueSerde', () => {
  it('wraps single JSON values unless told otherwise', () => {
    const wrapped = createValueSerde('JSON', [{ name: 'FOO', type: INTEGER }])
    expect(text(wrapped.serialize([1]))).toBe('{"FOO":1}')
    const bare = createValueSerde('JSON', [{ name: 'FOO', type: INTEGER }], { wrapSingleValue: false })
    expect(text(bare.serialize([1]))).toBe('1')
  })

  it('builds KAFKA and DELIMITED value serdes', () => {
    expect(createValueSerde('KAFKA', [{ name: 'V', type: INTEGER }]).serialize([1])).toEqual(
      Buffer.from([0, 0, 0, 1]),
    )
    expect(
      text(createValueSerde('DELIMITED', [{ name: 'V', type: INTEGER }], { delimiter: '|' }).serialize([1])),
    ).toBe('1')
  })
})
