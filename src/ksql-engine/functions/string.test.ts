import { describe, expect, it } from 'vitest'

import { BYTES, INTEGER, STRING } from '../types/sql-type.ts'
import { call, resolveError } from './testing/call.ts'

const s = (v: string | null) => [STRING, v] as const
const i = (v: number | null) => [INTEGER, v] as const
const b64 = (v: string) => [BYTES, Buffer.from(v, 'base64')] as const

describe('string functions', () => {
  it('CONCAT skips NULLs and CONCAT_WS needs a separator', () => {
    expect(call('CONCAT', s('prefix-'), s('s1'), s(null), s('-postfix'))).toBe('prefix-s1-postfix')
    expect(call('CONCAT_WS', s('SEP'), s('foo'), s(null), s('baz'), [null, null], s('literal'))).toBe(
      'fooSEPbazSEPliteral',
    )
    expect(call('CONCAT_WS', s(null), s('foo'))).toBeNull()
    expect((call('CONCAT', b64('eWVz'), [null, null], b64('bm8=')) as Buffer).toString('base64')).toBe(
      'eWVzbm8=',
    )
  })

  it('SUBSTRING is 1-based, counts negative positions from the end and clamps', () => {
    expect(call('SUBSTRING', s('some_string'), i(6))).toBe('string')
    expect(call('SUBSTRING', s('another'), i(6), i(3))).toBe('er')
    expect(call('SUBSTRING', s('short'), i(6), i(3))).toBe('')
    expect(call('SUBSTRING', s('some string'), i(0), i(2))).toBe('so')
    expect(call('SUBSTRING', s('abcdef'), i(-3))).toBe('def')
    expect(call('SUBSTRING', s('abcdef'), i(-3), i(2))).toBe('de')
    expect(call('SUBSTRING', s('abc'), i(null))).toBeNull()
    expect(call('SUBSTRING', s(' \t with white space \t'), i(2), i(5))).toBe('\t wit')
    expect((call('SUBSTRING', b64('c29tZV9zdHJpbmc='), i(6), i(3)) as Buffer).toString('base64')).toBe('c3Ry')
  })

  it('changes case, trims like Java and measures length', () => {
    expect(call('UCASE', s('MiXeD'))).toBe('MIXED')
    expect(call('LCASE', s('MiXeD'))).toBe('mixed')
    expect(call('TRIM', s(' \t with white space \t'))).toBe('with white space')
    expect(call('LTRIM', s('  a  '))).toBe('a  ')
    expect(call('RTRIM', s('  a  '))).toBe('  a')
    expect(call('LEN', s('héllo'))).toBe(5)
    expect(call('LEN', s(null))).toBeNull()
  })

  it('replaces, searches, splits and pads', () => {
    expect(call('REPLACE', s('a.b.c'), s('.'), s('-'))).toBe('a-b-c')
    expect(call('INSTR', s('whatever ya want'), s('ya'))).toBe(10)
    expect(call('INSTR', s('corporate floor'), s('or'), i(3), i(2))).toBe(14)
    expect(call('INSTR', s('corporate floor'), s('or'), i(-3), i(2))).toBe(2)
    expect(call('INSTR', s('abc'), s('z'))).toBe(0)
    expect(call('INSTR', s(null), s('z'))).toBe(0)
    expect(call('INSTR', s('abc'), s('b'), i(9))).toBe(0)
    // ksqlDB quirk kept on purpose: a miss after position p yields p - 1.
    expect(call('INSTR', s('abc'), s('z'), i(2))).toBe(1)
    expect(call('SPLIT', s('a,b,,c'), s(','))).toEqual(['a', 'b', '', 'c'])
    expect(call('SPLIT', s('abc'), s(''))).toEqual(['a', 'b', 'c'])
    expect(call('SPLIT', s(''), s(''))).toEqual([''])
    expect(call('LPAD', s('abc'), i(6), s('xy'))).toBe('xyxabc')
    expect(call('RPAD', s('abc'), i(2), s('x'))).toBe('ab')
    expect(call('LPAD', s('abc'), i(5), s(''))).toBeNull()
  })

  it('INITCAP capitalises every word', () => {
    expect(call('INITCAP', s('the   quick BROWN fox'))).toBe('The   Quick Brown Fox')
    expect(call('INITCAP', s('  leading space'))).toBe('Leading Space')
  })

  it('hashes and matches regular expressions', () => {
    expect(call('MD5', s('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72')
    expect(call('MD5', s('é😀'))).toBe('62b3afe3b01f6f80152b567d9b216cde')
    expect(call('REGEXP_REPLACE', s('aXbXc'), s('X'), s('-'))).toBe('a-b-c')
    expect(call('REGEXP_EXTRACT', s('(\\d+)-(\\d+)'), s('tel 12-34'), i(2))).toBe('34')
  })

  it('rejects wrong argument types with ksqlDB wording', () => {
    expect(resolveError('SUBSTRING', [STRING, STRING])).toContain(
      "Function 'substring' does not accept parameters (STRING, STRING).",
    )
  })
})
