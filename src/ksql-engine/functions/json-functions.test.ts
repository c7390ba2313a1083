import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { DOUBLE, INTEGER, STRING, array, decimal, map, struct } from '../types/sql-type.ts'
import { call } from './testing/call.ts'
import { parseJsonPath } from './json-functions.ts'

const s = (v: string | null) => [STRING, v] as const

describe('EXTRACTJSONFIELD', () => {
  const doc = '{"customer": {"email": "a@b.c", "tags": ["x", "y"]}, "amount": 12.5, "n": null}'

  it('returns strings unquoted and other nodes as JSON text', () => {
    expect(call('EXTRACTJSONFIELD', s(doc), s('$.customer.email'))).toBe('a@b.c')
    expect(call('EXTRACTJSONFIELD', s(doc), s('$.amount'))).toBe('12.5')
    expect(call('EXTRACTJSONFIELD', s(doc), s('$.customer.tags[1]'))).toBe('y')
    expect(call('EXTRACTJSONFIELD', s(doc), s("$['customer']['tags']"))).toBe('["x","y"]')
  })

  it('returns NULL for missing paths, JSON nulls and invalid JSON', () => {
    expect(call('EXTRACTJSONFIELD', s(doc), s('$.missing.deeper'))).toBeNull()
    expect(call('EXTRACTJSONFIELD', s(doc), s('$.n'))).toBeNull()
    expect(call('EXTRACTJSONFIELD', s('{oops'), s('$.a'))).toBeNull()
    expect(call('EXTRACTJSONFIELD', s(null), s('$.a'))).toBeNull()
  })

  it('parses JSON paths once', () => {
    expect(parseJsonPath('$.a[0].b')).toEqual(['a', 0, 'b'])
    expect(parseJsonPath('a.b')).toBeNull()
  })
})

describe('JSON text functions', () => {
  it('TO_JSON_STRING renders any value as ksqlDB writes JSON', () => {
    const t = struct([
      { name: 'A', type: array(DOUBLE) },
      { name: 'M', type: map(STRING, decimal(3, 1)) },
    ])
    expect(call('TO_JSON_STRING', [t, { A: [1, 1e10], M: new Map([['k', Decimal.parse('1.5')]]) }])).toBe(
      '{"A":[1.0,1.0E10],"M":{"k":1.5}}',
    )
    expect(call('TO_JSON_STRING', [INTEGER, null])).toBe('null')
  })

  it('splits JSON objects and arrays into their parts', () => {
    expect(call('JSON_RECORDS', s('{"a": 1, "b": {"c": true}}'))).toEqual(
      new Map([
        ['a', '1'],
        ['b', '{"c":true}'],
      ]),
    )
    expect(call('JSON_ITEMS', s('[1, "x", null]'))).toEqual(['1', '"x"', 'null'])
    expect(call('JSON_ARRAY_CONTAINS', s('[1, 2, 3]'), [INTEGER, 2])).toBe(true)
    expect(call('JSON_ARRAY_CONTAINS', s('["a"]'), s('b'))).toBe(false)
    expect(call('IS_JSON_STRING', s('{"a": 1}'))).toBe(true)
    expect(call('IS_JSON_STRING', s('{oops'))).toBe(false)
  })
})
