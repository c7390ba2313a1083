import { describe, expect, it } from 'vitest'
import { generateTransactions, serializeTransaction } from './generate-transactions.ts'
import { transactionRecords } from './transaction-records.ts'

const base = { topic: 't', seed: 42, key: 'none' as const, lifecycle: false, eventTime: false }

function all(plan: Parameters<typeof transactionRecords>[0]) {
  return [...transactionRecords(plan)].flat()
}

describe('transactionRecords', () => {
  it('matches the generator exactly for runs within one chunk', () => {
    const records = all({ ...base, count: 50 })
    expect(records.map((r) => r.value)).toEqual(
      generateTransactions({ count: 50, seed: 42 }).map(serializeTransaction),
    )
    expect(records.every((r) => r.key === null && r.timestamp === undefined)).toBe(true)
  })

  it('is reproducible across chunks and keeps numbering the senders over the whole run', () => {
    const plan = { ...base, count: 120, chunkSize: 50 }
    const first = all(plan)
    expect(first).toHaveLength(120)
    expect(all(plan).map((r) => r.value)).toEqual(first.map((r) => r.value))
    const last = JSON.parse(String(first.at(-1)?.value)) as { thread: number; message_number: number }
    expect(last).toMatchObject({ thread: 119 % 10, message_number: Math.floor(119 / 10) })
    // Chunks after the first come from other seeds: no chunk repeats the first one's events.
    const ids = first.map((r) => (JSON.parse(String(r.value)) as { transaction_id: string }).transaction_id)
    expect(new Set(ids).size).toBe(120)
  })

  it('keys by the chosen field and stamps the event time when asked', () => {
    const [record] = all({ ...base, count: 1, key: 'user_id', eventTime: true })
    const event = JSON.parse(String(record?.value)) as { user_id: string; timestamp: string }
    expect(record?.key).toBe(event.user_id)
    expect(record?.timestamp).toBe(Date.parse(event.timestamp.replace(/(\.\d{3})\d*Z$/, '$1Z')))
  })

  it('emits later status updates of the same transaction with --lifecycle', () => {
    const records = all({ ...base, count: 200, lifecycle: true })
    expect(records.length).toBeGreaterThan(200)
    const ids = records.map((r) => (JSON.parse(String(r.value)) as { transaction_id: string }).transaction_id)
    expect(new Set(ids).size).toBe(200)
  })
})
