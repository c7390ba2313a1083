import { describe, expect, it } from 'vitest'
import { generateInWorker } from './generate-in-worker.ts'
import { transactionRecords } from './transaction-records.ts'

const base = { topic: 't', key: 'user_id' as const, lifecycle: false, eventTime: true, chunkSize: 100 }

// Each test starts a worker that first loads the TypeScript loader: seconds on a busy machine.
describe('generateInWorker', { timeout: 60_000 }, () => {
  it('yields the same chunks as transactionRecords, in order', async () => {
    const plan = { ...base, count: 250, seed: 3 }
    const chunks = []
    for await (const chunk of generateInWorker(plan)) chunks.push(chunk)
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50])
    expect(chunks).toEqual([...transactionRecords(plan)])
  })

  it('stops the worker when the consumer stops early', async () => {
    let seen = 0
    for await (const chunk of generateInWorker({ ...base, count: null, seed: 1 })) {
      seen += chunk.length
      if (seen >= 300) break
    }
    expect(seen).toBe(300)
  })
})
