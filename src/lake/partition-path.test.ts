import { describe, expect, it } from 'vitest'
import { assertTimeZone, createPartitionPaths, partitionPath } from './partition-path.ts'

describe('partitionPath', () => {
  it('puts a record in the UTC date of its timestamp', () => {
    expect(partitionPath('streams', 'S1', Date.UTC(2025, 3, 8, 23, 59, 59), 'UTC')).toBe(
      'streams/S1/year=2025/month=04/day=08',
    )
  })
  it('uses the configured time zone for the date', () => {
    // 23:30 UTC on 8 April is already 9 April in Paris (UTC+2 in summer).
    expect(partitionPath('tables', 'T', Date.UTC(2025, 3, 8, 23, 30), 'Europe/Paris')).toBe(
      'tables/T/year=2025/month=04/day=09',
    )
  })
  it('rejects an unknown time zone with its name', () => {
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(/Mars\/Olympus/)
  })
})

describe('createPartitionPaths', () => {
  it('gives what partitionPath gives, across day boundaries and zones', () => {
    for (const zone of ['UTC', 'Europe/Amsterdam', 'Asia/Kathmandu', 'America/St_Johns']) {
      const paths = createPartitionPaths(zone)
      // Every 7 minutes and 13 seconds over four days, and back in time once.
      const start = Date.UTC(2026, 2, 27, 0, 0, 0)
      const times = Array.from({ length: 800 }, (_, i) => start + i * 433_000)
      times.push(start - 1, start + 86_400_000 - 1)
      for (const at of times)
        expect(paths('streams', 't')(at), `${zone} ${new Date(at).toISOString()}`).toBe(
          partitionPath('streams', 't', at, zone),
        )
    }
  })
})
