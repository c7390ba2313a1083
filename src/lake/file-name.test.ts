import { describe, expect, it } from 'vitest'
import { formatLakeFileName, isTempFileName, parseLakeFileName, tempFileName } from './file-name.ts'

describe('lake file names', () => {
  it('round-trip topic, partition, offset range and part numbers', () => {
    const name = {
      topic: 'my.topic-1',
      partition: 3,
      firstOffset: 100n,
      lastOffset: 199n,
      part: 2,
      parts: 3,
      extension: 'parquet' as const,
    }
    const text = formatLakeFileName(name)
    expect(text).toBe('my.topic-1-p00003-00000000000000000100-00000000000000000199.2of3.parquet')
    expect(parseLakeFileName(text)).toEqual(name)
  })
  it('omits the part suffix for single-file windows', () => {
    const text = formatLakeFileName({
      topic: 'T',
      partition: 0,
      firstOffset: 0n,
      lastOffset: 9n,
      part: 1,
      parts: 1,
      extension: 'jsonl',
    })
    expect(text).toBe('T-p00000-00000000000000000000-00000000000000000009.jsonl')
    expect(parseLakeFileName(text)).toMatchObject({ part: 1, parts: 1, lastOffset: 9n })
  })
  it('does not parse temp files or foreign names', () => {
    const temp = tempFileName('T-p00000-00000000000000000000-00000000000000000009.jsonl')
    expect(isTempFileName(temp)).toBe(true)
    expect(parseLakeFileName(temp)).toBe(null)
    expect(parseLakeFileName('README.md')).toBe(null)
  })
})
