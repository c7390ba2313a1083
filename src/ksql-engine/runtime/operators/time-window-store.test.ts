import { describe, expect, it } from 'vitest'
import type { WindowBounds } from '../../expression/row.ts'
import { TimeWindowStore, type WindowGroup } from './time-window-store.ts'

interface State {
  readonly window: WindowBounds
}

/** Adds window [start, start + 10) to the group, as the aggregate does for a new window. */
function addWindow(store: TimeWindowStore<State>, group: WindowGroup<State>, start: number): State {
  const state = { window: { start, end: start + 10 } }
  store.add(group, start, state)
  group.recent[(start / 10) & 15] = state
  return state
}

describe('TimeWindowStore', () => {
  it('evicts windows whose start is retention or more behind the newest start, and empty groups', () => {
    const store = new TimeWindowStore<State>(30)
    const a = store.group('a')
    const b = store.group('b')
    for (const start of [0, 10, 20]) addWindow(store, a, start)
    addWindow(store, b, 10)
    store.evictExpired()
    expect(store.windowCount).toBe(4)

    addWindow(store, a, 40)
    store.evictExpired()
    expect([...a.byStart.keys()]).toEqual([20, 40])
    expect(store.windowCount).toBe(2)
    // b's only window went, and b with it: the next record for b starts a fresh group.
    expect(store.groupCount).toBe(1)
    expect(store.group('b')).not.toBe(b)
  })

  it('clears evicted states from the ring, so a lookup cannot hand one back', () => {
    const store = new TimeWindowStore<State>(20)
    const a = store.group('a')
    const old = addWindow(store, a, 0)
    addWindow(store, a, 30)
    store.evictExpired()
    expect(a.recent).not.toContain(old)
    expect(a.byStart.has(0)).toBe(false)
  })

  it('reports expiry against the newest start put, not the newest created', () => {
    const store = new TimeWindowStore<State>(30)
    const a = store.group('a')
    addWindow(store, a, 50)
    addWindow(store, a, 30) // a late window, within retention
    expect(store.isExpired(20)).toBe(true)
    expect(store.isExpired(30)).toBe(false)
    store.evictExpired()
    expect(store.windowCount).toBe(2)
  })
})
