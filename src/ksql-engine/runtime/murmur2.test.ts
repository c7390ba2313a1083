import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey } from './murmur2.ts'

describe('murmur2', () => {
  it("matches Kafka's reference values (UtilsTest.testMurmur2)", () => {
    expect(murmur2(Buffer.from('21'))).toBe(-973932308)
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482)
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829)
    expect(murmur2(Buffer.from('abc'))).toBe(479470107)
  })

  it('maps keys to a partition in range', () => {
    for (const key of ['a', 'b', 'c', 'user-1']) {
      const p = partitionForKey(Buffer.from(key), 3)
      expect(p).toBeGreaterThanOrEqual(0)
      expect(p).toBeLessThan(3)
    }
  })
})
