import { describe, expect, it } from 'vitest'
import {
  createJoinWindowStore,
  createPendingStore,
  keyOrderBytes,
  type PendingEntry,
} from './join-window-store.ts'

describe('join window store', () => {
  it('fetches a key by time range, oldest first, duplicates in arrival order', () => {
    const store = createJoinWindowStore<string>(1000)
    store.put('k', 20, 'b')
    store.put('k', 10, 'a')
    store.put('k', 20, 'c')
    store.put('other', 15, 'x')
    expect(store.fetch('k', 0, 100).map((e) => e.value)).toEqual(['a', 'b', 'c'])
    expect(store.fetch('k', 11, 20).map((e) => e.value)).toEqual(['b', 'c'])
    expect(store.fetch('missing', 0, 100)).toEqual([])
  })

  it('expires values `retention` or more behind its latest time: not stored, not fetched', () => {
    const store = createJoinWindowStore<string>(100)
    expect(store.put('k', 0, 'old')).toBe(true)
    expect(store.put('k', 100, 'new')).toBe(true)
    // 0 ≤ 100 − 100: expired.
    expect(store.fetch('k', 0, 200).map((e) => e.value)).toEqual(['new'])
    expect(store.put('k', 0, 'late')).toBe(false)
    expect(store.put('k', 1, 'in time')).toBe(true)
    expect(store.size()).toBe(2)
  })
})

describe('pending store', () => {
  const entry = (timestamp: number, kafkaLeft: boolean, key: number): PendingEntry<string> => ({
    timestamp,
    kafkaLeft,
    key: String(key),
    keyOrder: keyOrderBytes(key, null),
    value: `${String(timestamp)}${kafkaLeft ? 'L' : 'R'}${String(key)}`,
  })

  it('iterates by time, then right side before left, then key bytes (negative numbers last)', () => {
    const store = createPendingStore<string>()
    for (const e of [
      entry(5, true, 2),
      entry(5, false, 9),
      entry(1, true, -1),
      entry(1, true, 3),
      entry(5, true, 1),
    ])
      store.put(e)
    expect(store.entries().map((e) => e.value)).toEqual(['1L3', '1L-1', '5R9', '5L1', '5L2'])
  })

  it('drops every entry of one time, side and key at once', () => {
    const store = createPendingStore<string>()
    store.put(entry(5, true, 1))
    store.put(entry(5, true, 1))
    store.put(entry(5, false, 1))
    store.delete(5, true, '1')
    expect(store.entries().map((e) => e.value)).toEqual(['5R1'])
  })

  it('orders a windowed key by key bytes, then window start', () => {
    expect(Buffer.compare(keyOrderBytes('a', 10), keyOrderBytes('a', 20))).toBe(-1)
    expect(Buffer.compare(keyOrderBytes('a', 20), keyOrderBytes('b', 10))).toBe(-1)
  })
})
