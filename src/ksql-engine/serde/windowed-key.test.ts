import { describe, expect, it } from 'vitest'

import {
  unwrapSessionWindowedKey,
  unwrapTimeWindowedKey,
  wrapSessionWindowedKey,
  wrapTimeWindowedKey,
} from './windowed-key.ts'

describe('windowed keys', () => {
  it('appends the 8-byte window start to time-windowed keys', () => {
    const wrapped = wrapTimeWindowedKey(Buffer.from('a'), 30000)
    expect(wrapped.toString('hex')).toBe('61' + '0000000000007530')
    expect(unwrapTimeWindowedKey(wrapped)).toEqual({ key: Buffer.from('a'), start: 30000 })
  })

  it('appends end then start to session-windowed keys', () => {
    const wrapped = wrapSessionWindowedKey(Buffer.from('k'), 10, 20)
    expect(wrapped.toString('hex')).toBe('6b' + '0000000000000014' + '000000000000000a')
    expect(unwrapSessionWindowedKey(wrapped)).toEqual({ key: Buffer.from('k'), start: 10, end: 20 })
  })

  it('rejects keys too short to hold a window', () => {
    expect(() => unwrapTimeWindowedKey(Buffer.alloc(4))).toThrow(RangeError)
    expect(() => unwrapSessionWindowedKey(Buffer.alloc(12))).toThrow(RangeError)
  })
})
