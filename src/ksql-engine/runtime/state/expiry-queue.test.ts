import { describe, expect, it } from 'vitest'
import { ExpiryQueue } from './expiry-queue.ts'

describe('ExpiryQueue', () => {
  it('pops the entries up to the limit, earliest first, late arrivals included', () => {
    const queue = new ExpiryQueue<string>()
    queue.push(1, 'a')
    queue.push(5, 'b')
    queue.push(3, 'c') // out of order
    queue.push(2, 'd') // out of order
    queue.push(6, 'e')
    const popped: string[] = []
    queue.popUntil(3, (item) => popped.push(item))
    expect(popped).toEqual(['a', 'd', 'c'])
    expect(queue.headTime).toBe(5)
    queue.popUntil(6, (item) => popped.push(item))
    expect(popped).toEqual(['a', 'd', 'c', 'b', 'e'])
    expect(queue.size).toBe(0)
    expect(queue.headTime).toBe(Number.POSITIVE_INFINITY)
  })

  it('keeps its entries across compaction', () => {
    const queue = new ExpiryQueue<number>()
    for (let i = 0; i < 5000; i++) queue.push(i, i)
    const popped: number[] = []
    queue.popUntil(2999, (item) => popped.push(item))
    expect(popped).toHaveLength(3000)
    expect(queue.size).toBe(2000)
    expect(queue.headTime).toBe(3000)
    queue.popUntil(Number.POSITIVE_INFINITY, (item) => popped.push(item))
    expect(popped).toEqual(Array.from({ length: 5000 }, (_, i) => i))
  })

  it('orders many late entries like a sort', () => {
    const queue = new ExpiryQueue<number>()
    const times = Array.from({ length: 500 }, (_, i) => (i * 7919) % 500)
    for (const t of times) queue.push(t, t)
    const popped: number[] = []
    queue.popUntil(Number.POSITIVE_INFINITY, (item) => popped.push(item))
    expect(popped).toEqual([...times].sort((a, b) => a - b))
  })
})
