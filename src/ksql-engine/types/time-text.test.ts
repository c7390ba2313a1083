import { describe, expect, it } from 'vitest'

import { RecordError } from './record-error.ts'
import {
  formatDateText,
  formatTimeText,
  formatTimestampText,
  parseDateText,
  parseTimeText,
  parseTimestampText,
} from './time-text.ts'

describe('time text forms', () => {
  it('round-trips timestamps in UTC with milliseconds', () => {
    expect(formatTimestampText(0)).toBe('1970-01-01T00:00:00.000')
    expect(parseTimestampText('2022-04-28T21:44:47.943')).toBe(1651182287943)
    expect(parseTimestampText('2022-04-28T23:44:47.943+02:00')).toBe(1651182287943)
    expect(parseTimestampText('2022-04-28')).toBe(Date.UTC(2022, 3, 28))
    expect(() => parseTimestampText('yesterday')).toThrow(RecordError)
  })

  it('handles dates as days and times as ms of day', () => {
    expect(formatDateText(-1)).toBe('1969-12-31')
    expect(parseDateText('1970-01-02')).toBe(1)
    expect(formatTimeText(3_723_000)).toBe('01:02:03')
    expect(formatTimeText(3_723_250)).toBe('01:02:03.250')
    expect(parseTimeText('01:02:03.25')).toBe(3_723_250)
  })
})
