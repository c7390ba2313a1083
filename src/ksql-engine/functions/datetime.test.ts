import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { BIGINT, DATE, INTEGER, STRING, TIMESTAMP } from '../types/sql-type.ts'
import { call, resolveScalar } from './testing/call.ts'

const s = (v: string | null) => [STRING, v] as const

describe('datetime functions', () => {
  it('formats epoch millis with a pattern and zone (QTT timestamp-to-string.json)', () => {
    expect(
      call(
        'TIMESTAMPTOSTRING',
        [BIGINT, 1526075913000],
        s('yyyy-MM-dd HH:mm:ss zzz'),
        s('America/Los_Angeles'),
      ),
    ).toBe('2018-05-11 14:58:33 PDT')
    expect(call('FORMAT_TIMESTAMP', [TIMESTAMP, 1526075913000], s('yyyy-MM-dd HH:mm:ss'))).toBe(
      '2018-05-11 21:58:33',
    )
    expect(call('FORMAT_TIMESTAMP', [TIMESTAMP, null], s('yyyy'))).toBeNull()
  })

  it('parses strings into epoch millis (QTT stringtimestamp.json)', () => {
    expect(call('STRINGTOTIMESTAMP', s('2018-05-11T21:58:33Z'), s("yyyy-MM-dd'T'HH:mm:ssX"))).toBe(
      1526075913000,
    )
    expect(call('PARSE_TIMESTAMP', s('2018-05-11T21:58:33 PST'), s("yyyy-MM-dd'T'HH:mm:ss zzz"))).toBe(
      1526101113000,
    )
    expect(resolveScalar('PARSE_TIMESTAMP', [STRING, STRING]).returnType).toEqual(TIMESTAMP)
    expect(resolveScalar('STRINGTOTIMESTAMP', [STRING, STRING]).returnType).toEqual(BIGINT)
  })

  it('fails the record for unparseable text or unknown zones', () => {
    expect(() => call('PARSE_DATE', s('abcd'), s('yyyy-MM-dd'))).toThrow(RecordError)
    expect(() => call('TIMESTAMPTOSTRING', [BIGINT, 0], s('yyyy'), s('Mars/Base'))).toThrow(
      'Unknown time-zone ID',
    )
  })

  it('converts dates as epoch days', () => {
    expect(call('STRINGTODATE', s('20200102'), s('yyyyMMdd'))).toBe(18263)
    expect(call('DATETOSTRING', [INTEGER, 18263], s('yyyy-MM-dd'))).toBe('2020-01-02')
    expect(call('PARSE_DATE', s('2022-02-02'), s('yyyy-MM-dd'))).toBe(19025)
    expect(call('FORMAT_DATE', [DATE, 19025], s('dd/MM/yyyy'))).toBe('02/02/2022')
    expect(call('UNIX_DATE', [DATE, 5])).toBe(5)
    expect(call('FROM_UNIXTIME', [BIGINT, 1000])).toBe(1000)
  })

  it('reads the clock for UNIX_TIMESTAMP()', () => {
    const before = Date.now()
    const now = call('UNIX_TIMESTAMP') as number
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(Date.now())
  })
})
