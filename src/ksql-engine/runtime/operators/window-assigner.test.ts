import { describe, expect, it } from 'vitest'
import { timeWindowsFor } from './window-assigner.ts'

const spec = (sizeMs: number, advanceMs: number) =>
  ({ type: 'HOPPING', sizeMs, advanceMs, graceMs: null, retentionMs: null }) as const

describe('timeWindowsFor', () => {
  it('puts a record in the one tumbling window containing it', () => {
    expect(timeWindowsFor(45_000, spec(30_000, 30_000))).toEqual([{ start: 30_000, end: 60_000 }])
    expect(timeWindowsFor(0, spec(30_000, 30_000))).toEqual([{ start: 0, end: 30_000 }])
  })

  it('puts a record in every hopping window containing it, ascending, never before 0', () => {
    expect(timeWindowsFor(65_000, spec(300_000, 60_000)).map((w) => w.start)).toEqual([0, 60_000])
    expect(timeWindowsFor(400_000, spec(300_000, 60_000)).map((w) => w.start)).toEqual([
      120_000, 180_000, 240_000, 300_000, 360_000,
    ])
  })
})
