import { describe, expect, it } from 'vitest'
import { chunkBySize } from './chunk-by-size.ts'
import type { ProducedRecord } from './ports.ts'

const record = (valueBytes: number, key: string | null = null): ProducedRecord => ({
  topic: 't',
  key,
  value: 'v'.repeat(valueBytes),
})

describe('chunkBySize', () => {
  it('keeps a small send in one slice, in order', () => {
    const records = [record(10, 'a'), record(10, 'b')]
    expect(chunkBySize(records, 1000)).toEqual([records])
  })

  it('splits a large send into slices under the limit without reordering', () => {
    const records = Array.from({ length: 10 }, (_, i) => record(230, `k${i}`))
    const chunks = chunkBySize(records, 1000)
    // Each record counts 230 + 2 (key) + 70 (overhead) = 302 bytes: three fit in 1000.
    expect(chunks.map((chunk) => chunk.length)).toEqual([3, 3, 3, 1])
    expect(chunks.flat()).toEqual(records)
  })

  it('counts UTF-8 bytes, buffers and headers', () => {
    const heavy: ProducedRecord = {
      topic: 't',
      key: Buffer.alloc(100),
      value: 'é'.repeat(100),
      headers: { h: Buffer.alloc(100) },
    }
    // 70 + 100 + 200 + (1 + 100) = 471 bytes.
    expect(chunkBySize([heavy, heavy], 941)).toHaveLength(2)
    expect(chunkBySize([heavy, heavy], 942)).toHaveLength(1)
  })

  it('sends a record bigger than the limit on its own rather than dropping it', () => {
    expect(chunkBySize([record(5000), record(1)], 1000).map((chunk) => chunk.length)).toEqual([1, 1])
  })

  it('returns no slice for no records', () => {
    expect(chunkBySize([])).toEqual([])
  })
})
