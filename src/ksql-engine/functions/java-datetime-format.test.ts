import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { compileJavaDateTimePattern } from './java-datetime-format.ts'
import { resolveTimeZone } from './time-zone.ts'

const fmt = compileJavaDateTimePattern

describe('Java DateTimeFormatter patterns', () => {
  it('formats in UTC by default and in named zones with their short names', () => {
    expect(fmt('yyyy-MM-dd HH:mm:ss').format(1526075913000)).toBe('2018-05-11 21:58:33')
    expect(fmt('yyyy-MM-dd HH:mm:ss zzz').format(1526075913000, resolveTimeZone('America/Los_Angeles'))).toBe(
      '2018-05-11 14:58:33 PDT',
    )
    expect(fmt('yyyy-MM-dd HH:mm:ss zzz').format(1526075913000, resolveTimeZone('Europe/London'))).toBe(
      '2018-05-11 22:58:33 BST',
    )
    expect(fmt('yyyy-MM-dd HH:mm:ss Z').format(0, resolveTimeZone('UTC'))).toBe('1970-01-01 00:00:00 +0000')
  })

  it('handles quoted literals, escaped quotes and fractions', () => {
    expect(fmt("yyyy-MM-dd'T'HH:mm:ss.SSS").format(1651182287943)).toBe('2022-04-28T21:44:47.943')
    expect(fmt("h 'o''clock' a").format(13 * 3_600_000)).toBe("1 o'clock PM")
    expect(fmt('EEE, d MMM yyyy').format(0)).toBe('Thu, 1 Jan 1970')
    expect(fmt('XXX|X|xx').format(3_600_000 * 2, resolveTimeZone('+02:00'))).toBe('+02:00|+02|+0200')
    expect(fmt('X').format(0)).toBe('Z')
  })

  it('parses zone offsets, Z in any case, and short zone names', () => {
    expect(fmt("yyyy-MM-dd'T'HH:mm:ssX").parse('2018-05-11T21:58:33Z')).toBe(1526075913000)
    expect(fmt("yyyy-MM-dd'T'HH:mm:ssX").parse('2020-05-11T21:58:33z')).toBe(1589234313000)
    expect(fmt("yyyy-MM-dd'T'HH:mm:ss.SX").parse('2019-08-27T13:31:09.2+0000')).toBe(1566912669200)
    expect(fmt("yyyy-MM-dd'T'HH:mm:ss zzz").parse('2018-05-11T21:58:33 PST')).toBe(1526101113000)
    expect(fmt('yy-MM-dd HH:mm:ssX').parse('18-05-11 21:58:33+01')).toBe(1526075913000 - 3_600_000)
  })

  it('parses in the given zone when the text has none, defaulting missing fields', () => {
    expect(fmt("yyyy-MM-dd'T'HH:mm:ss").parse('2018-05-11T21:58:33')).toBe(1526075913000)
    expect(fmt('yyyy-MM-dd HH:mm').parse('2018-05-11 14:58', resolveTimeZone('America/Los_Angeles'))).toBe(
      1526075880000,
    )
    expect(fmt('yyyyMMdd').parse('20200102')).toBe(Date.UTC(2020, 0, 2))
    expect(fmt('hh:mm a').parse('01:30 pm')).toBe(13.5 * 3_600_000)
  })

  it('fails the record on text that does not match', () => {
    expect(() => fmt("yyyy-MM-dd'T'HH:mm:ssX").parse('not a timestamp')).toThrow(RecordError)
    expect(() => fmt('yyyy-MM-dd').parse('2020-02-30')).toThrow(RecordError)
    expect(() => fmt('yyyy-MM-dd').parse('2020-02-03 extra')).toThrow(RecordError)
  })

  it('rejects unknown pattern letters', () => {
    expect(() => fmt('yyyy-qq')).toThrow('Unknown pattern letter: q')
  })
})
