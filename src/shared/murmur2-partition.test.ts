import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey } from './murmur2-partition.ts'

describe('murmur2', () => {
  // The expected values are Kafka's own (clients UtilsTest.testMurmur2).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j like the Java client', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected)
  })

  it('picks a partition from the positive hash', () => {
    // toPositive(-973932308) = 1173551340; 1173551340 % 3 = 0, % 7 = 6
    expect(partitionForKey(Buffer.from('21'), 3)).toBe(1173551340 % 3)
    expect(partitionForKey(Buffer.from('21'), 7)).toBe(1173551340 % 7)
  })
})
