import { describe, expect, it } from 'vitest'
import { wrapSessionWindowedKey, wrapTimeWindowedKey } from '../../serde/windowed-key.ts'
import { WindowedKeyCache } from './windowed-key-cache.ts'

describe('WindowedKeyCache', () => {
  const keys = [
    null,
    Buffer.alloc(0),
    Buffer.from('refund'),
    Buffer.from('refunD'),
    Buffer.from('x'.repeat(100)),
  ]
  const windows = [0, 60_000, 1_743_465_600_000, 1_743_465_660_000].flatMap((start) => [
    { start, end: start + 300_000 },
    { start, end: start + 5 },
  ])

  it('gives the layout of serde/windowed-key.ts, for repeats and for keys or windows sharing a slot', () => {
    const time = new WindowedKeyCache(false)
    const session = new WindowedKeyCache(true)
    for (let round = 0; round < 3; round++)
      for (const key of keys)
        for (const w of windows) {
          expect(time.bytesOf(key, w)).toEqual(wrapTimeWindowedKey(key, w.start))
          expect(session.bytesOf(key, { ...w })).toEqual(wrapSessionWindowedKey(key, w.start, w.end))
        }
  })

  it('returns the same bytes for the same window and key', () => {
    const cache = new WindowedKeyCache(false)
    const w = { start: 60_000, end: 360_000 }
    expect(cache.bytesOf(Buffer.from('a'), w)).toBe(cache.bytesOf(Buffer.from('a'), { ...w }))
  })
})
