import { describe, expect, it } from 'vitest'
import { continuationSeed, DEFAULT_SEED } from './continue-seed.ts'

describe('continuationSeed', () => {
  it('is the default seed on an empty topic and moves on by the records already there', () => {
    expect(continuationSeed(0n)).toBe(DEFAULT_SEED)
    expect(continuationSeed(10n)).toBe(52)
    expect(continuationSeed(5000n)).toBe(5042)
  })
})
