import { describe, expect, it } from 'vitest'

import { STRING } from '../types/sql-type.ts'
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
