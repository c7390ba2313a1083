import { describe, expect, it } from 'vitest'
import { FormatsTracker, RecordFormatter, formatRowTime, kafkaBytesText } from './record-formatter.ts'

const rec = (key: Buffer | null, value: Buffer | null, timestamp = 1589812054530, partition = 0) => ({
  key,
  value,
  timestamp,
  partition,
})
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

describe('PRINT record lines (ksqlDB RecordFormatter)', () => {
  it('prints rowtime in UTC, key, value and partition; detects JSON values', () => {
    const formatter = new RecordFormatter()
    const tracker = new FormatsTracker()
    const value = Buffer.from('{"profileId":"c2309eec","latitude":37.7877}')
    expect(formatter.format([rec(Buffer.from('c2'), value, 1589812054530, 2)])).toEqual([
      'rowtime: 2020/05/18 14:27:34.530 Z, key: c2, value: {"profileId":"c2309eec","latitude":37.7877}, partition: 2',
    ])
    expect(tracker.update(formatter)).toEqual([
      'Key format: KAFKA_STRING',
      'Value format: JSON or KAFKA_STRING',
    ])
    expect(tracker.update(formatter)).toEqual([])
  })

  it("keeps ksqlDB's guesses for longer keys: 8 bytes read as BIGINT, 9+ as a time-windowed string", () => {
    const formatter = new RecordFormatter()
    const tracker = new FormatsTracker()
    expect(formatter.format([rec(Buffer.from('4ab5cbad'), Buffer.from('{"a":1}'))])[0]).toContain(
      'key: 3774405944153366884,',
    )
    expect(tracker.update(formatter)[0]).toBe('Key format: KAFKA_BIGINT or KAFKA_DOUBLE or KAFKA_STRING')
    const nine = new RecordFormatter()
    expect(nine.format([rec(Buffer.from('c2309eec1'), Buffer.from('{}'))])[0]).toContain(
      'key: [c@3617287948781052721/-],',
    )
    expect(nine.possibleKeyFormats()).toEqual([
      'HOPPING(KAFKA_STRING)',
      'TUMBLING(KAFKA_STRING)',
      'KAFKA_STRING',
    ])
    // A key too short to carry a window rules the windowed readings out, and the batch is re-shown.
    formatter.format([rec(Buffer.from('k'), Buffer.from('{}'))])
    expect(tracker.update(formatter)).toEqual(['Key format: KAFKA_STRING'])
  })

  it('reads 4-byte keys as KAFKA_INT first, windowed keys with their window, null as <null>', () => {
    const formatter = new RecordFormatter()
    expect(formatter.format([rec(int32(42), null)])[0]).toContain('key: 42, value: <null>')
    expect(formatter.possibleValueFormats()).toEqual(['¯\\_(ツ)_/¯ - no data processed'])
    const windowed = Buffer.concat([Buffer.from('k1'), Buffer.alloc(8)])
    windowed.writeBigInt64BE(1000n, 2)
    const f2 = new RecordFormatter()
    expect(f2.format([rec(windowed, Buffer.from('x'))])[0]).toContain('key: [k1@1000/-]')
    // The start timestamp's bytes are not UTF-8, so the whole key is no string.
    expect(f2.possibleKeyFormats()).toEqual(['HOPPING(KAFKA_STRING)', 'TUMBLING(KAFKA_STRING)'])
  })

  it('falls back to escaped bytes and says no format matches', () => {
    const formatter = new RecordFormatter()
    const tracker = new FormatsTracker()
    const line = formatter.format([rec(Buffer.from([0xff, 0x41, 0x5c]), Buffer.from([0xc3]))])[0]
    expect(line).toContain('key: \\xFFA\\x5C, value: \\xC3')
    expect(tracker.update(formatter)).toEqual([
      'Key format:  does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.',
      'Value format:  does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.',
    ])
  })

  it('re-shows a batch whose later records ruled out the format its first records were shown in', () => {
    const formatter = new RecordFormatter()
    const lines = formatter.format([rec(null, int32(7)), rec(null, Buffer.from('hello'))])
    expect(lines).toEqual([
      expect.stringContaining('value: \x00\x00\x00\x07'),
      expect.stringContaining('value: hello'),
    ])
    expect(kafkaBytesText(Buffer.from('a\\b'))).toBe('a\\x5Cb')
    expect(formatRowTime(-1)).toBe('N/A')
  })
})
