import { describe, expect, it } from 'vitest'
import { parseDelimited } from './delimited.ts'

describe('parseDelimited', () => {
  it('splits plain fields and reads empty fields as NULL', () => {
    expect(parseDelimited('a,1,,x')).toEqual(['a', '1', null, 'x'])
  })
  it('unquotes quoted fields with doubled quotes and embedded delimiters', () => {
    expect(parseDelimited('"a,b","say ""hi""",3')).toEqual(['a,b', 'say "hi"', '3'])
  })
  it('honours another delimiter', () => {
    expect(parseDelimited('a|b', '|')).toEqual(['a', 'b'])
  })
  it('rejects an unterminated quote', () => {
    expect(() => parseDelimited('"abc')).toThrow(/unterminated/)
  })
})
