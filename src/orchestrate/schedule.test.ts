import { describe, expect, it } from 'vitest'
import { nextDue, parseCron, parseEvery } from './schedule.ts'

const at = (iso: string) => Date.parse(iso)

describe('parseEvery', () => {
  it('reads s, m, h and d', () => {
    expect(parseEvery('10m')).toMatchObject({ kind: 'every', ms: 600_000 })
    expect(parseEvery('30s')).toMatchObject({ ms: 30_000 })
    expect(parseEvery('2h')).toMatchObject({ ms: 7_200_000 })
    expect(parseEvery('1d')).toMatchObject({ ms: 86_400_000 })
  })
  it('refuses what is not a positive duration', () => {
    expect(parseEvery('0m')).toBeNull()
    expect(parseEvery('ten minutes')).toBeNull()
    expect(parseEvery('10')).toBeNull()
  })
})

describe('nextDue for an interval', () => {
  const every = parseEvery('10m')!
  const anchor = at('2026-01-01T00:00:00Z')
  it('is anchored at the start, so cycles do not drift', () => {
    expect(nextDue(every, anchor, anchor)).toBe(at('2026-01-01T00:10:00Z'))
    expect(nextDue(every, at('2026-01-01T00:10:00Z'), anchor)).toBe(at('2026-01-01T00:20:00Z'))
    expect(nextDue(every, at('2026-01-01T00:13:07Z'), anchor)).toBe(at('2026-01-01T00:20:00Z'))
  })
  it('skips over due times that passed during a long cycle', () => {
    expect(nextDue(every, at('2026-01-01T00:35:00Z'), anchor)).toBe(at('2026-01-01T00:40:00Z'))
  })
})

describe('parseCron / nextDue for cron', () => {
  it('*/10 is due at every tenth minute', () => {
    const cron = parseCron('*/10 * * * *')
    expect(nextDue(cron, at('2026-01-01T00:00:00Z'), 0)).toBe(at('2026-01-01T00:10:00Z'))
    expect(nextDue(cron, at('2026-01-01T00:09:59Z'), 0)).toBe(at('2026-01-01T00:10:00Z'))
    expect(nextDue(cron, at('2026-01-01T23:55:00Z'), 0)).toBe(at('2026-01-02T00:00:00Z'))
  })
  it('lists, ranges and fixed hours', () => {
    const cron = parseCron('0,30 8-9 * * *')
    expect(nextDue(cron, at('2026-01-01T07:00:00Z'), 0)).toBe(at('2026-01-01T08:00:00Z'))
    expect(nextDue(cron, at('2026-01-01T08:00:00Z'), 0)).toBe(at('2026-01-01T08:30:00Z'))
    expect(nextDue(cron, at('2026-01-01T09:30:00Z'), 0)).toBe(at('2026-01-02T08:00:00Z'))
  })
  it('day of week (Monday) and day of month', () => {
    // 2026-01-01 is a Thursday; the next Monday is the 5th.
    expect(nextDue(parseCron('0 6 * * 1'), at('2026-01-01T00:00:00Z'), 0)).toBe(at('2026-01-05T06:00:00Z'))
    expect(nextDue(parseCron('0 0 15 * *'), at('2026-01-01T00:00:00Z'), 0)).toBe(at('2026-01-15T00:00:00Z'))
  })
  it('names the field and the rule in errors', () => {
    expect(() => parseCron('*/10 * * *')).toThrow(/5 fields/)
    expect(() => parseCron('61 * * * *')).toThrow(/minute.*0-59/)
    expect(() => parseCron('* * * JAN *')).toThrow(/month/)
  })
  it('a cron that never matches is reported instead of looping', () => {
    expect(() => nextDue(parseCron('0 0 31 2 *'), at('2026-01-01T00:00:00Z'), 0)).toThrow(/never matches/)
  })
})
