import { describe, expect, it } from 'vitest'
import { TopicStatistics, formatStats, isoOffsetTime } from './topic-statistics.ts'

describe('DESCRIBE EXTENDED statistics', () => {
  it("formats stats as ksqlDB's MetricCollectors: %16s:%10.0f, then the last event time", () => {
    expect(
      formatStats(
        [{ name: 'total-messages', value: 3 }],
        'last-message',
        Date.UTC(2021, 9, 5, 10, 41, 45, 280),
      ),
    ).toBe('  total-messages:         3     last-message: 2021-10-05T10:41:45.28Z')
    expect(formatStats([{ name: 'messages-per-sec', value: 0.5 }], 'last-message', 0)).toBe(
      'messages-per-sec:      0.50     last-message:       n/a',
    )
    expect(isoOffsetTime(Date.UTC(2021, 0, 1))).toBe('2021-01-01T00:00:00Z')
  })

  it('counts consumed records once per reading query and produced ones for a written topic', () => {
    let now = 10_000
    const stats = new TopicStatistics(() => now)
    stats.record('t', 10)
    stats.record('t', 20)
    now += 500
    stats.record('t', 30)
    expect(stats.statistics('t', 2, false)).toBe(
      'consumer-messages-per-sec:         3 consumer-total-messages:         6 consumer-total-bytes:       120     last-message: 1970-01-01T00:00:10.5Z',
    )
    expect(stats.statistics('t', 0, true)).toContain('  total-messages:         3 ')
    expect(stats.statistics('t', 0, false)).toBe('')
    expect(stats.statistics('other', 1, true)).toBe('')
    now += 5000
    expect(stats.statistics('t', 0, true)).toContain('messages-per-sec:         0 ')
  })
})
