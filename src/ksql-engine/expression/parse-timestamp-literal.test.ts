import { describe, expect, it } from 'vitest'
import { parseTimestampLiteral } from './parse-timestamp-literal.ts'

describe('parseTimestampLiteral', () => {
  it('reads full and partial ISO text as UTC unless an offset is given', () => {
    expect(parseTimestampLiteral('2020-02-23T23:45:12.000')).toBe(Date.UTC(2020, 1, 23, 23, 45, 12))
    expect(parseTimestampLiteral('2020-02-22T23:45')).toBe(Date.UTC(2020, 1, 22, 23, 45))
    expect(parseTimestampLiteral('2020-02-24T24')).toBe(Date.UTC(2020, 1, 25, 0))
    expect(parseTimestampLiteral('2020-02-23T22:45:12.000-0100')).toBe(Date.UTC(2020, 1, 23, 23, 45, 12))
  })

  it('rejects text that is not a timestamp', () => {
    expect(() => parseTimestampLiteral('yesterday')).toThrow(/Failed to parse timestamp/)
  })
})
