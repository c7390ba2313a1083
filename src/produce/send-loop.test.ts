import { describe, expect, it } from 'vitest'
import { DipError } from '../shared/errors.ts'
import type { ProducedRecord, RecordSink } from '../kafka/ports.ts'
import { createRateLimiter } from './rate-limiter.ts'
import { runSendLoop } from './send-loop.ts'

function fakeSink(onSend: (records: readonly ProducedRecord[]) => void = () => undefined) {
  const sent: ProducedRecord[][] = []
  const sink: RecordSink = {
    send: async (records) => {
      sent.push([...records])
      onSend(records)
    },
    transaction: () => Promise.reject(new Error('unused')),
    close: async () => undefined,
  }
  return { sink, sent }
}

const records = (n: number): ProducedRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic: 't', key: null, value: `v${i}` }))

describe('runSendLoop', () => {
  it('sends every record in batches and counts bytes', async () => {
    const { sink, sent } = fakeSink()
    const summary = await runSendLoop({
      chunks: [records(5), records(3)],
      sink,
      ratePerSecond: null,
      deadlineMs: null,
      signal: new AbortController().signal,
      batchSize: 2,
    })
    expect(sent.map((b) => b.length)).toEqual([2, 2, 1, 2, 1])
    expect(summary).toMatchObject({ records: 8, bytes: 16, interrupted: false })
  })

  it('paces sends to the rate with a fake clock', async () => {
    let clock = 0
    const { sink } = fakeSink()
    const sends: number[] = []
    const summary = await runSendLoop({
      chunks: [records(30)],
      sink: { ...sink, send: async (batch) => void sends.push(clock, batch.length) },
      ratePerSecond: 10,
      deadlineMs: null,
      signal: new AbortController().signal,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    })
    expect(summary.records).toBe(30)
    // 30 records at 10/s: the last one may go out no earlier than 2.9 s after the start.
    expect(clock).toBeGreaterThanOrEqual(2900)
    expect(clock).toBeLessThan(3100)
  })

  it('stops after the batch in flight when the signal aborts', async () => {
    const controller = new AbortController()
    const { sink, sent } = fakeSink(() => controller.abort())
    const summary = await runSendLoop({
      chunks: [records(10)],
      sink,
      ratePerSecond: null,
      deadlineMs: null,
      signal: controller.signal,
      batchSize: 4,
    })
    expect(sent).toHaveLength(1)
    expect(summary).toMatchObject({ records: 4, interrupted: true })
  })
})

describe('createRateLimiter', () => {
  it('allows one record at the start and rate × seconds after', () => {
    const limiter = createRateLimiter(100, 0)
    expect(limiter.allowance(0)).toBe(1)
    expect(limiter.allowance(1000)).toBe(101)
    limiter.record(101)
    expect(limiter.waitMs(1000)).toBe(10)
  })
})

describe('runSendLoop when the broker fails', () => {
  it('says how many records were acknowledged before the failed batch, in the message and the details', async () => {
    let sends = 0
    const { sink } = fakeSink(() => {
      sends++
      if (sends === 3)
        throw new DipError('DIP_KAFKA', 'cannot reach Kafka at 127.0.0.1:9092 (send to t)', {
          hint: 'start the stack with `dip up`',
        })
    })
    const failure = await runSendLoop({
      chunks: [records(10)],
      sink,
      ratePerSecond: null,
      deadlineMs: null,
      signal: new AbortController().signal,
      batchSize: 3,
    }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DipError)
    const error = failure as DipError
    expect(error.code).toBe('DIP_KAFKA')
    expect(error.message).toMatch(/cannot reach Kafka.*; 6 record\(s\) were acknowledged/)
    expect(error.hint).toBe('start the stack with `dip up`')
    expect(error.details).toMatchObject({ acknowledged: 6, unconfirmed: 3 })
  })
})
