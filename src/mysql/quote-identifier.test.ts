import { describe, expect, it } from 'vitest'
import { isValidIdentifier, quoteIdentifier } from './quote-identifier.ts'

describe('quoteIdentifier', () => {
  it('back-quotes plain names, reserved words included', () => {
    expect(quoteIdentifier('partition')).toBe('`partition`')
    expect(quoteIdentifier('TOTAL_PAR_TYPE$5')).toBe('`TOTAL_PAR_TYPE$5`')
  })

  it.each(['', 'a b', 'a.b', 'a`b', "a'b", 'x;DROP', '123', 'a'.repeat(65), 'é'])('refuses %j', (name) => {
    expect(isValidIdentifier(name)).toBe(false)
    expect(() => quoteIdentifier(name, 'MySQL table')).toThrow(
      /MySQL table .* is not a valid MySQL identifier/,
    )
  })
})
