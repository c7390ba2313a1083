import { describe, expect, it } from 'vitest'
import { InMemoryTopics, type StoredRecord } from './in-memory-topics.ts'

const record = (i: number) => ({ topic: 't', key: null, value: Buffer.from(String(i)), timestamp: i })

describe('InMemoryTopics', () => {
  it('keeps every record by default, with per-partition offsets', () => {
    const topics = new InMemoryTopics()
    topics.create('t', 2)
    for (let i = 0; i < 5; i++) topics.append({ ...record(i), partition: i % 2 })
    expect(topics.records('t').map((r) => [r.partition, r.offset])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 2],
    ])
    expect(topics.endOffsets('t')).toEqual([3, 2])
  })

  it('with retainRecords keeps only the newest records, offsets and listeners unaffected', () => {
    const topics = new InMemoryTopics({ retainRecords: 3 })
    const seen: StoredRecord[] = []
    topics.subscribe('t', (r) => seen.push(r))
    for (let i = 0; i < 5000; i++) topics.append(record(i))
    expect(topics.records('t').map((r) => r.offset)).toEqual([4997, 4998, 4999])
    expect(topics.endOffsets('t')).toEqual([5000])
    expect(seen).toHaveLength(5000)
  })

  it('with retainRecords 0 keeps no records but still delivers them', () => {
    const topics = new InMemoryTopics({ retainRecords: 0 })
    let delivered = 0
    topics.subscribe('t', () => delivered++)
    for (let i = 0; i < 10; i++) topics.append(record(i))
    expect(topics.records('t')).toEqual([])
    expect(delivered).toBe(10)
  })

  it("keeps a table's topic as its newest record per key, whatever retainRecords says", () => {
    const topics = new InMemoryTopics({ retainRecords: 1 })
    const keyed = (key: string, value: string | null) => ({
      topic: 't',
      key: Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      timestamp: 0,
    })
    topics.append(keyed('a', '1'))
    topics.keepLatestPerKey('t')
    for (const [key, value] of [
      ['b', '1'],
      ['a', '2'],
      ['c', '1'],
      ['b', null],
    ] as const)
      topics.append(keyed(key, value))
    expect(topics.records('t').map((r) => `${String(r.key)}=${String(r.value)}`)).toEqual(['a=2', 'c=1'])
    expect(topics.holdsHistory('t')).toBe(true)
  })

  it("taps every topic, before the topic's own listeners", () => {
    const topics = new InMemoryTopics({ retainRecords: 0 })
    const seen: string[] = []
    topics.subscribe('t', (r) => seen.push(`listener ${r.topic}`))
    const stop = topics.tap((r) => seen.push(`tap ${r.topic}`))
    topics.append(record(1))
    topics.append({ ...record(2), topic: 'u' })
    stop()
    topics.append(record(3))
    expect(seen).toEqual(['tap t', 'listener t', 'tap u', 'listener t'])
  })

  it('tells whether records() still holds every record appended', () => {
    const topics = new InMemoryTopics({ retainRecords: 2 })
    topics.append(record(1))
    topics.append(record(2))
    expect(topics.holdsHistory('t')).toBe(true)
    topics.append(record(3))
    expect(topics.holdsHistory('t')).toBe(false)
    const none = new InMemoryTopics({ retainRecords: 0 })
    none.append(record(1))
    expect(none.holdsHistory('t')).toBe(false)
  })

  it('rejects a retention that is not a whole number ≥ 0, naming the option', () => {
    expect(() => new InMemoryTopics({ retainRecords: -1 })).toThrow(/retainRecords must be a whole number/)
    expect(() => new InMemoryTopics({ retainRecords: 1.5 })).toThrow(/got 1.5/)
  })

  it('stops delivering to an unsubscribed listener', () => {
    const topics = new InMemoryTopics()
    let delivered = 0
    const stop = topics.subscribe('t', () => delivered++)
    topics.append(record(1))
    stop()
    topics.append(record(2))
    expect(delivered).toBe(1)
  })
})
