import { describe, expect, it } from 'vitest'
import { createStreamProgress, groupLag, topicsLag } from './stream-progress.ts'

function harness(lagAnswers: (bigint | Error)[]) {
  let clock = 1_000_000
  let records = 0
  const lines: string[] = []
  const progress = createStreamProgress({
    label: 'lake',
    everyMs: 10_000,
    records: () => records,
    lag: async () => {
      const answer = lagAnswers.shift() ?? 0n
      if (answer instanceof Error) throw answer
      return answer
    },
    print: (line) => lines.push(line),
    warn: (line) => lines.push(`WARN ${line}`),
    now: () => clock,
  })
  return {
    lines,
    progress,
    advance: (ms: number, more = 0) => {
      clock += ms
      records += more
    },
  }
}

describe('createStreamProgress', () => {
  it('prints records, rate and lag once per interval', async () => {
    const { lines, progress, advance } = harness([120n, 0n])
    await progress.tick()
    expect(lines).toEqual([])
    advance(10_000, 5000)
    await progress.tick()
    advance(4000, 100)
    await progress.tick()
    advance(6000, 900)
    await progress.tick()
    expect(lines).toEqual([
      'lake: 5,000 records so far, 500 records/s over the last 10 s, lag 120',
      'lake: 6,000 records so far, 100 records/s over the last 10 s, lag 0',
    ])
  })

  it('says once when the broker stops answering and once when it answers again', async () => {
    const refused = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092')
    const { lines, progress, advance } = harness([refused, refused, 7n])
    advance(10_000, 10)
    await progress.tick()
    advance(10_000)
    await progress.tick()
    advance(10_000, 20)
    await progress.tick()
    expect(lines).toEqual([
      'WARN lake: the Kafka broker does not answer (Connection error: connect ECONNREFUSED 127.0.0.1:9092); still running, retrying — everything read so far is kept',
      'lake: the Kafka broker answers again after 20 s; continuing',
      'lake: 30 records so far, 2 records/s over the last 10 s, lag 7',
    ])
  })
})

describe('createStreamProgress.stop', () => {
  it('keeps a tick that was waiting on the broker quiet once the sink stops', async () => {
    let fail: (error: Error) => void = () => undefined
    let clock = 0
    const lines: string[] = []
    const progress = createStreamProgress({
      label: 'lake',
      everyMs: 1000,
      records: () => 0,
      lag: () => new Promise<bigint>((_resolve, reject) => (fail = reject)),
      print: (line) => lines.push(line),
      warn: (line) => lines.push(line),
      now: () => clock,
    })
    clock = 5000
    const waiting = progress.tick()
    progress.stop()
    fail(new Error('admin closed'))
    await waiting
    expect(lines).toEqual([])
  })
})

describe('topicsLag', () => {
  it('sums end offset minus position, from the first offset where nothing was read', async () => {
    const admin = {
      topicOffsets: async (topic: string) =>
        topic === 'a'
          ? [
              { partition: 0, low: 0n, high: 100n },
              { partition: 1, low: 40n, high: 50n },
            ]
          : [{ partition: 0, low: 0n, high: 5n }],
    }
    const positions = new Map([['a:0', 90n]])
    expect(await topicsLag(admin, ['a', 'b'], (t, p) => positions.get(`${t}:${p}`))).toBe(10n + 10n + 5n)
  })
})

describe('groupLag', () => {
  it("counts from this run's positions, else the group's commits, else the whole partition", async () => {
    const admin = {
      topicOffsets: async () => [
        { partition: 0, low: 0n, high: 10n },
        { partition: 1, low: 0n, high: 10n },
        { partition: 2, low: 0n, high: 10n },
      ],
      groupOffsets: async () => [
        { topic: 't', partition: 0, offset: 2n },
        { topic: 't', partition: 1, offset: 4n },
      ],
    }
    expect(await groupLag(admin, 'g', ['t'], (_t, p) => (p === 0 ? 10n : undefined))).toBe(0n + 6n + 10n)
  })
})
