import { describe, expect, it } from 'vitest'
import { parseStatement } from './parser.ts'

const parse = (text: string) => parseStatement({ text, line: 1, column: 0 }).statement

describe('numeric literal overflow (ksqlDB AST builder errors)', () => {
  it('rejects an integer literal beyond BIGINT, one column right of the literal', () => {
    expect(() => parse('SELECT 9223372036854775808 FROM s;')).toThrow(
      'Failed to prepare statement: line 1:9: Invalid numeric literal: 9223372036854775808',
    )
  })

  it('names the negated literal when the overflow is negative', () => {
    expect(() => parse('SELECT -9223372036854775809 FROM s;')).toThrow(
      'Invalid numeric literal: -9223372036854775809',
    )
  })

  it('rejects a double literal beyond DOUBLE, keeping its text', () => {
    expect(() => parse('SELECT -1.7976931348623160E308 FROM s;')).toThrow(
      'Number overflows DOUBLE: -1.7976931348623160E308',
    )
  })

  it('keeps the largest literals', () => {
    expect(parse('SELECT 9223372036854775807, 1.7976931348623157E308 FROM s;')).toMatchObject({
      kind: 'select',
    })
  })
})
