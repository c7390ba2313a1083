import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { JsonNumber, parseJsonLossless } from './lossless-json.ts'

describe('parseJsonLossless', () => {
  it('parses like JSON.parse for ordinary documents', () => {
    const text = '{"a": [1, -2.5, 1e3, true, false, null], "b": {"c": "x\\"y\\u00e9"}, "d": ""}'
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text))
  })

  it('keeps the text of numbers with more digits than a double holds', () => {
    const value = parseJsonLossless('{"v": 12345678987654321.2345678987654321, "w": 0.1}') as Record<
      string,
      unknown
    >
    expect(value.v).toBeInstanceOf(JsonNumber)
    expect((value.v as JsonNumber).text).toBe('12345678987654321.2345678987654321')
    expect(value.w).toBe(0.1)
  })

  it('rejects malformed JSON with a record error', () => {
    expect(() => parseJsonLossless('{"a": }')).toThrow(RecordError)
    expect(() => parseJsonLossless('[1, 2')).toThrow(RecordError)
    expect(() => parseJsonLossless('{"a": 1} x')).toThrow(RecordError)
    expect(() => parseJsonLossless('"open')).toThrow(RecordError)
  })
})
