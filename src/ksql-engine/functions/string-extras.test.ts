import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { BYTES, INTEGER, STRING, array } from '../types/sql-type.ts'
import { call } from './testing/call.ts'

const s = (v: string | null) => [STRING, v] as const
const i = (v: number | null) => [INTEGER, v] as const

describe('string extras', () => {
  it('ELT and FIELD pick and find by 1-based position', () => {
    expect(call('ELT', i(2), s('a'), s('b'), s('c'))).toBe('b')
    expect(call('ELT', i(4), s('a'), s('b'))).toBeNull()
    expect(call('FIELD', s('b'), s('a'), s('b'))).toBe(2)
    expect(call('FIELD', s('z'), s('a'))).toBe(0)
    expect(call('FIELD', s(null), s('a'))).toBe(0)
  })

  it('SPLIT_TO_MAP parses key/value text', () => {
    expect(call('SPLIT_TO_MAP', s('a=1;b=2;junk'), s(';'), s('='))).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    )
    expect(call('SPLIT_TO_MAP', s('a=1'), s('='), s('='))).toBeNull()
  })

  it('converts between strings and bytes in named encodings', () => {
    expect((call('TO_BYTES', s('AQI='), s('base64')) as Buffer).toString('hex')).toBe('0102')
    expect(call('FROM_BYTES', [BYTES, Buffer.from('hi')], s('hex'))).toBe('6869')
    expect(call('ENCODE', s('6869'), s('hex'), s('utf8'))).toBe('hi')
    expect(() => call('TO_BYTES', s('x'), s('utf16'))).toThrow(RecordError)
  })

  it('extracts and splits with regular expressions', () => {
    expect(call('REGEXP_EXTRACT_ALL', s('\\d+'), s('a1b22c333'))).toEqual(['1', '22', '333'])
    expect(call('REGEXP_EXTRACT_ALL', s('(\\w)(\\d)'), s('a1 b2'), i(2))).toEqual(['1', '2'])
    expect(call('REGEXP_SPLIT_TO_ARRAY', s('a1b22c'), s('\\d+'))).toEqual(['a', 'b', 'c'])
  })
})

describe('array set functions', () => {
  const ints = (...v: (number | null)[]) => [array(INTEGER), v] as const

  it('concatenate, unite, intersect and subtract by value', () => {
    expect(call('ARRAY_CONCAT', ints(1, 2), ints(2, 3))).toEqual([1, 2, 2, 3])
    expect(call('ARRAY_CONCAT', [array(INTEGER), null], ints(1))).toEqual([1])
    expect(call('ARRAY_UNION', ints(1, 2, 2), ints(3, 1))).toEqual([1, 2, 3])
    expect(call('ARRAY_INTERSECT', ints(1, 2, null, 2), ints(2, null))).toEqual([2, null])
    expect(call('ARRAY_EXCEPT', ints(1, 2, 3, 1), ints(2))).toEqual([1, 3])
    expect(call('ARRAY_EXCEPT', ints(1), [array(INTEGER), null])).toBeNull()
  })
})
