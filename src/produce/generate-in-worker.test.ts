import { describe, expect, it } from 'vitest'
import { generateInWorker } from './generate-in-worker.ts'
import { CHUNK_SIZE, transactionRecords } from './transaction-records.ts'

describe('generateInWorker', () => {
  it('yields the same chunks as transactionRecords, in order', async () => {
    const plan = {
      topic: 't',
      count: CHUNK_SIZE + 5,
      seed: 3,
      key: 'user_id' as const,
      lifecycle: false,
      eventTime: true,
    }
    const chunks = []
    for await (const chunk of generateInWorker(plan)) chunks.push(chunk)
    expect(chunks).toEqual([...transactionRecords(plan)])
  })

  it('stops the worker when the consumer stops early', async () => {
    const plan = {
      topic: 't',
      count: null,
      seed: 1,
      key: 'none' as const,
      lifecycle: false,
      eventTime: false,
    }
    let seen = 0
    for await (const chunk of generateInWorker(plan)) {
      seen += chunk.length
      if (seen >= CHUNK_SIZE) break
    }
    expect(seen).toBe(CHUNK_SIZE)
  })
})
