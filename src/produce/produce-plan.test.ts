import { describe, expect, it } from 'vitest'
import { planProduce } from './produce-plan.ts'

describe('planProduce', () => {
  it('defaults to the original kit: 5,000 key-less events on transaction_log', () => {
    expect(planProduce({})).toMatchObject({
      topic: 'transaction_log',
      count: 5000,
      durationMs: null,
      key: 'none',
    })
  })
  it('runs for a duration instead of a count', () => {
    expect(planProduce({ duration: 60_000 })).toMatchObject({ count: null, durationMs: 60_000 })
  })
  it('rejects --count with --duration and bad topic names as usage errors', () => {
    expect(() => planProduce({ count: 5, duration: 1000 })).toThrow(/cannot be combined/)
    expect(() => planProduce({ topic: 'bad topic' })).toThrow(expect.objectContaining({ code: 'DIP_USAGE' }))
  })
})
