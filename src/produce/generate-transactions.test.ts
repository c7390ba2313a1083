import { describe, expect, it } from 'vitest'
import {
  CITIES_BY_COUNTRY,
  CURRENCIES,
  LAB_EPOCH_MS,
  PAYMENT_METHODS,
  PRODUCT_CATEGORIES,
  STATUSES,
  TRANSACTION_TYPES,
  USER_NAMES,
  eventTime,
  generateTransactions,
  receptionTime,
  serializeTransaction,
} from './generate-transactions.ts'

const DAY_MS = 86_400_000

// Tens of thousands of expect() calls per test: on a loaded shared machine that is more than vitest's 5 s.
describe('generateTransactions', { timeout: 30_000 }, () => {
  const events = generateTransactions({ count: 2000, seed: 7 })

  it('is reproducible byte for byte for a seed and differs across seeds', () => {
    const again = generateTransactions({ count: 2000, seed: 7 })
    expect(again.map(serializeTransaction).join('\n')).toBe(events.map(serializeTransaction).join('\n'))
    const other = generateTransactions({ count: 2000, seed: 8 })
    expect(other.map(serializeTransaction).join('\n')).not.toBe(events.map(serializeTransaction).join('\n'))
  })

  it('emits one event per transaction with unique ids by default', () => {
    expect(events).toHaveLength(2000)
    expect(new Set(events.map((e) => e.transaction_id)).size).toBe(2000)
  })

  it('fills every field with the lab distributions', () => {
    for (const e of events) {
      expect(e.transaction_id).toMatch(/^TXN-[0-9a-f]{8}$/)
      expect(e.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
      expect(e.user_id).toMatch(/^USER-\d{4}$/)
      expect(USER_NAMES).toContain(e.user_name)
      expect(e.product_id).toMatch(/^PROD-[1-9]\d{2}$/)
      expect(e.amount).toBeGreaterThanOrEqual(10)
      expect(e.amount).toBeLessThanOrEqual(1000)
      expect(Math.round(e.amount * 100) / 100).toBe(e.amount)
      expect(CURRENCIES).toContain(e.currency)
      expect(TRANSACTION_TYPES).toContain(e.transaction_type)
      expect(STATUSES).toContain(e.status)
      expect(CITIES_BY_COUNTRY[e.location.country]).toContain(e.location.city)
      expect(PAYMENT_METHODS).toContain(e.payment_method)
      expect(PRODUCT_CATEGORIES).toContain(e.product_category)
      expect(e.quantity).toBeGreaterThanOrEqual(1)
      expect(e.quantity).toBeLessThanOrEqual(10)
      expect(e.shipping_address.street).toMatch(/^[1-9]\d{2} Main St$/)
      expect(e.shipping_address.zip).toMatch(/^[1-9]\d{4}$/)
      expect(e.shipping_address.city).toBe(e.location.city)
      expect(e.shipping_address.country).toBe(e.location.country)
      expect(e.device_info.ip_address).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/)
      expect(e.customer_rating === null || (e.customer_rating >= 1 && e.customer_rating <= 5)).toBe(true)
      expect(e.discount_code === null || /^DISCOUNT-[1-9]\d{2}$/.test(e.discount_code)).toBe(true)
      if (e.status === 'completed') {
        expect(e.tax_amount).toBeGreaterThanOrEqual(Math.floor(e.amount * 0.05 * 100) / 100)
        expect(e.tax_amount).toBeLessThanOrEqual(Math.ceil(e.amount * 0.2 * 100) / 100)
      } else {
        expect(e.tax_amount).toBe(0)
      }
      expect(e.timestamp_of_reception_log).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/)
    }
  })

  it('spreads event times over the 30 days before the anchor and covers every category value', () => {
    const times = events.map(eventTime)
    expect(Math.min(...times)).toBeGreaterThanOrEqual(LAB_EPOCH_MS - 30 * DAY_MS)
    expect(Math.max(...times)).toBeLessThan(LAB_EPOCH_MS)
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(25 * DAY_MS)
    expect(new Set(events.map((e) => e.currency)).size).toBe(CURRENCIES.length)
    expect(new Set(events.map((e) => e.status)).size).toBe(STATUSES.length)
    expect(new Set(events.map((e) => e.location.country)).size).toBe(10)
    const nullRatings = events.filter((e) => e.customer_rating === null).length
    expect(nullRatings / events.length).toBeGreaterThan(0.4)
    expect(nullRatings / events.length).toBeLessThan(0.6)
  })

  it('numbers senders like the original kit and paces reception times', () => {
    expect(events.slice(0, 12).map((e) => [e.thread, e.message_number])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 0],
      [7, 0],
      [8, 0],
      [9, 0],
      [0, 1],
      [1, 1],
    ])
    expect(receptionTime(events[0]!)).toBe(LAB_EPOCH_MS)
    expect(receptionTime(events[10]!)).toBe(LAB_EPOCH_MS + 2000)
    const receptions = events.map(receptionTime)
    expect(receptions.every((t, i) => i === 0 || t >= receptions[i - 1]!)).toBe(true)
  })

  it('emits pending → processing → final status updates per id in order with lifecycle', () => {
    const withLifecycle = generateTransactions({ count: 1000, seed: 3, lifecycle: { fraction: 0.5 } })
    const byId = new Map<string, string[]>()
    for (const e of withLifecycle)
      byId.set(e.transaction_id, [...(byId.get(e.transaction_id) ?? []), e.status])
    expect(byId.size).toBe(1000)
    const histories = [...byId.values()]
    const updated = histories.filter((h) => h.length > 1)
    expect(updated.length).toBeGreaterThan(400)
    expect(updated.length).toBeLessThan(600)
    for (const history of updated) {
      expect(history).toHaveLength(3)
      expect(history.slice(0, 2)).toEqual(['pending', 'processing'])
      expect(['completed', 'failed', 'cancelled']).toContain(history[2])
    }
    expect(withLifecycle).toHaveLength(1000 + 2 * updated.length)
    // updates are interleaved with other transactions, not glued to their first event
    const firstUpdated = withLifecycle.findIndex((e) => byId.get(e.transaction_id)!.length > 1)
    expect(withLifecycle[firstUpdated + 1]?.transaction_id).not.toBe(
      withLifecycle[firstUpdated]?.transaction_id,
    )
  })

  it('keeps non-status fields of a transaction across its updates and recomputes tax when completed', () => {
    const withLifecycle = generateTransactions({ count: 300, seed: 11, lifecycle: true })
    const first = new Map<string, (typeof withLifecycle)[number]>()
    for (const e of withLifecycle) {
      const seen = first.get(e.transaction_id)
      if (!seen) {
        first.set(e.transaction_id, e)
        continue
      }
      expect(e.amount).toBe(seen.amount)
      expect(e.user_id).toBe(seen.user_id)
      expect(eventTime(e)).toBeGreaterThan(eventTime(seen))
      expect(e.tax_amount > 0).toBe(e.status === 'completed')
    }
  })

  it('anchors event and reception times on `now`, with the same events otherwise', () => {
    const now = Date.UTC(2026, 0, 1)
    const shifted = generateTransactions({ count: 50, seed: 7, now, spreadDays: 2, sendIntervalMs: 1000 })
    const times = shifted.map(eventTime)
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now - 2 * DAY_MS)
    expect(Math.max(...times)).toBeLessThan(now)
    expect(shifted.map(receptionTime)).toEqual(shifted.map((_, i) => now + i * 1000))
    expect(shifted.map((e) => e.transaction_id)).toEqual(events.slice(0, 50).map((e) => e.transaction_id))
  })

  it('rejects bad options', () => {
    expect(() => generateTransactions({ count: -1 })).toThrow(/count/)
    expect(() => generateTransactions({ threads: 0 })).toThrow(/threads/)
    expect(() => generateTransactions({ lifecycle: { fraction: 2 } })).toThrow(/fraction/)
  })
})

describe('time helpers', () => {
  it('parses microsecond ISO timestamps and reception times', () => {
    expect(eventTime({ timestamp: '2025-04-08T09:19:02.128833Z' })).toBe(Date.UTC(2025, 3, 8, 9, 19, 2, 128))
    expect(receptionTime({ timestamp_of_reception_log: '08/04/2025 09:19:02' })).toBe(
      Date.UTC(2025, 3, 8, 9, 19, 2),
    )
    expect(() => eventTime({ timestamp: 'yesterday' })).toThrow(/ISO-8601/)
    expect(() => receptionTime({ timestamp_of_reception_log: '2025-04-08' })).toThrow(/dd\/mm/)
  })
})
