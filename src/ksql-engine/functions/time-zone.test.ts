import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { resolveTimeZone, zoneFromText } from './time-zone.ts'

const JAN = Date.UTC(2018, 0, 15)
const JUL = Date.UTC(2018, 6, 15)

describe('time zones', () => {
  it('names zones the way Java abbreviates them', () => {
    const cases: [string, string, string][] = [
      ['America/Los_Angeles', 'PST', 'PDT'],
      ['America/New_York', 'EST', 'EDT'],
      ['Europe/London', 'GMT', 'BST'],
      ['Europe/Paris', 'CET', 'CEST'],
      ['Australia/Sydney', 'AEDT', 'AEST'],
      ['Asia/Kolkata', 'IST', 'IST'],
      ['Asia/Tokyo', 'JST', 'JST'],
      ['UTC', 'UTC', 'UTC'],
    ]
    for (const [id, january, july] of cases) {
      const zone = resolveTimeZone(id)
      expect([zone.name(JAN, 'short'), zone.name(JUL, 'short')]).toEqual([january, july])
    }
  })

  it('computes offsets including DST and fixed offsets', () => {
    expect(resolveTimeZone('America/Los_Angeles').offsetAt(JUL)).toBe(-7 * 3_600_000)
    expect(resolveTimeZone('America/Los_Angeles').offsetAt(JAN)).toBe(-8 * 3_600_000)
    expect(resolveTimeZone('+05:30').offsetAt(JAN)).toBe(5.5 * 3_600_000)
    expect(resolveTimeZone('GMT-3').offsetAt(JAN)).toBe(-3 * 3_600_000)
    expect(resolveTimeZone('Europe/Paris').toEpoch(Date.UTC(2018, 6, 15, 12))).toBe(Date.UTC(2018, 6, 15, 10))
  })

  it('maps short names in data to regions and rejects unknown IDs', () => {
    expect(zoneFromText('PST')?.id).toBe('America/Los_Angeles')
    expect(zoneFromText('z')?.id).toBe('UTC')
    expect(zoneFromText('Nowhere/Special')).toBeUndefined()
    expect(() => resolveTimeZone('Nowhere/Special')).toThrow(RecordError)
  })
})
