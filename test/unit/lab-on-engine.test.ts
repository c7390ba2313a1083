/**
 * The lab's ksqlDB statements (ksql/V*.sql) on the embedded engine over 5,000 generated events; every
 * derived stream and table is checked against plain TypeScript reductions over the same events.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Engine, EngineRecord } from '../../src/ksql-engine/engine-api.ts'
import { createEngine } from '../../src/ksql-engine/index.ts'
import {
  generateTransactions,
  receptionTime,
  serializeTransaction,
  type TransactionEvent,
} from '../../src/produce/generate-transactions.ts'

const KSQL_DIR = join(import.meta.dirname, '..', '..', 'ksql')
const RATES: Readonly<Record<string, number>> = { EUR: 1.08, GBP: 1.24, CAD: 0.75, JPY: 0.007, AUD: 0.66 }
const BLACKLIST: readonly (readonly [string, string])[] = [
  ['Paris', 'France'],
  ['Tokyo', 'Japan'],
  ['Chicago', 'USA'],
]

type Row = Record<string, unknown>

// 5,000 events: transactions plus lifecycle updates of some of them, in send order.
const events: readonly TransactionEvent[] = generateTransactions({
  count: 5000,
  seed: 2024,
  lifecycle: true,
}).slice(0, 5000)

let engine: Engine
/** Statements the engine refused, so that one failure does not hide the other exercises' results. */
const refused: string[] = []

beforeAll(() => {
  engine = createEngine({ properties: { 'ksql.service.id': 'lab_test_', 'auto.offset.reset': 'earliest' } })
  engine.createTopic('transaction_log', 1)
  for (const file of readdirSync(KSQL_DIR)
    .filter((f) => /^V\d{6}__.+\.sql$/.test(f))
    .sort()) {
    // One statement at a time (the files hold no `;` inside literals).
    for (const statement of readFileSync(join(KSQL_DIR, file), 'utf8').split(/;\s*$/m)) {
      if (statement.replace(/--.*$/gm, '').trim() === '') continue
      try {
        engine.execute(`${statement};`)
      } catch (e) {
        refused.push(`${file}: ${(e as Error).message}`)
      }
    }
  }
  for (const e of events) {
    engine.produce({
      topic: 'transaction_log',
      key: null,
      value: Buffer.from(serializeTransaction(e)),
      timestamp: receptionTime(e),
    })
  }
  // 5,000 events through ~25 persistent queries: seconds, not milliseconds.
}, 300_000)

function values(topic: string): Row[] {
  return engine.records(topic).map((r) => JSON.parse(r.value!.toString()) as Row)
}

/** Final state of a table topic: last value per key (null = deleted). */
function latest(
  topic: string,
  keyOf: (r: EngineRecord) => string = (r) => r.key!.toString(),
): Map<string, Row | null> {
  const out = new Map<string, Row | null>()
  for (const r of engine.records(topic))
    out.set(keyOf(r), r.value === null ? null : (JSON.parse(r.value.toString()) as Row))
  return out
}

function groupBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) out.set(keyOf(item), [...(out.get(keyOf(item)) ?? []), item])
  return out
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
const usd = (e: TransactionEvent): number =>
  RATES[e.currency] === undefined ? e.amount : e.amount * RATES[e.currency]!
const isBlacklisted = (e: TransactionEvent): boolean =>
  BLACKLIST.some(([city, country]) => e.location.city === city && e.location.country === country)

function mask(s: string): string {
  return [...s]
    .map((c) => (/[A-Z]/.test(c) ? 'X' : /[a-z]/.test(c) ? 'x' : /[0-9]/.test(c) ? 'n' : '-'))
    .join('')
}

function flat(e: TransactionEvent): Row {
  return {
    TRANSACTION_ID: e.transaction_id,
    EVENT_TIME: e.timestamp,
    USER_ID: e.user_id,
    USER_NAME: e.user_name,
    PRODUCT_ID: e.product_id,
    AMOUNT: e.amount,
    CURRENCY: e.currency,
    TRANSACTION_TYPE: e.transaction_type,
    STATUS: e.status,
    CITY: e.location.city,
    COUNTRY: e.location.country,
    PAYMENT_METHOD: e.payment_method,
    PRODUCT_CATEGORY: e.product_category,
    QUANTITY: e.quantity,
    SHIPPING_STREET: e.shipping_address.street,
    SHIPPING_ZIP: e.shipping_address.zip,
    DEVICE_OS: e.device_info.os,
    DEVICE_BROWSER: e.device_info.browser,
    DEVICE_IP: e.device_info.ip_address,
    CUSTOMER_RATING: e.customer_rating,
    DISCOUNT_CODE: e.discount_code,
    TAX_AMOUNT: e.tax_amount,
  }
}

function expectTotalsClose(actual: Map<string, Row | null>, expected: Map<string, Row>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
  for (const [key, want] of expected) {
    const got = actual.get(key)!
    for (const [column, value] of Object.entries(want)) {
      if (typeof value === 'number' && !Number.isInteger(value))
        expect(got[column], `${key}.${column}`).toBeCloseTo(value, 6)
      else expect(got[column], `${key}.${column}`).toEqual(value)
    }
  }
}

describe('lab exercises on the embedded engine (5,000 events)', () => {
  it('accepts every lab statement', () => {
    expect(refused).toEqual([])
  })

  it('uses the 5,000 events, some of them status updates', () => {
    expect(events).toHaveLength(5000)
    expect(new Set(events.map((e) => e.transaction_id)).size).toBeLessThan(5000)
  })

  it('#2 keeps transactions above 700 and counts / averages them per type', () => {
    const large = events.filter((e) => e.amount > 700)
    expect(values('LARGE_TRANSACTIONS')).toEqual(
      large.map((e) => ({
        TRANSACTION_ID: e.transaction_id,
        AMOUNT: e.amount,
        TRANSACTION_TYPE: e.transaction_type,
      })),
    )
    const expected = new Map(
      [...groupBy(large, (e) => e.transaction_type)].map(([type, es]) => [
        type,
        { TRANSACTION_COUNT: es.length, AVERAGE_AMOUNT: sum(es.map((e) => e.amount)) / es.length },
      ]),
    )
    expectTotalsClose(latest('LARGE_TRANSACTION_STATS'), expected)
  })

  it('#3 totals the amount per transaction type', () => {
    const expected = new Map(
      [...groupBy(events, (e) => e.transaction_type)].map(([type, es]) => [
        type,
        { TOTAL_AMOUNT: sum(es.map((e) => e.amount)) },
      ]),
    )
    expectTotalsClose(latest('AMOUNT_PER_TYPE'), expected)
  })

  it('#4/#5 reads the full nested schema and flattens it', () => {
    expect(values('TRANSACTIONS_FLAT')).toEqual(events.map(flat))
  })

  it('#6 anonymises names, ids and IP addresses', () => {
    expect(values('TRANSACTIONS_ANONYMIZED')).toEqual(
      events.map((e) => ({
        TRANSACTION_ID: e.transaction_id,
        MASKED_USER_NAME: mask(e.user_name),
        MASKED_USER_ID: mask(e.user_id.slice(0, 5)) + e.user_id.slice(5),
        MASKED_PRODUCT_ID: e.product_id.slice(0, -3) + mask(e.product_id.slice(-3)),
        HASHED_USER_ID: createHash('md5').update(e.user_id).digest('hex'),
        BLURRED_IP: `${e.device_info.ip_address.slice(0, 4)}***`,
        AMOUNT: e.amount,
        CURRENCY: e.currency,
        CITY: e.location.city,
        COUNTRY: e.location.country,
      })),
    )
  })

  it('#7 converts every amount to USD', () => {
    const rows = values('TRANSACTIONS_USD')
    expect(rows).toHaveLength(events.length)
    rows.forEach((row, i) => {
      const e = events[i]!
      const { AMOUNT_USD, ...rest } = row
      expect(rest).toEqual(flat(e))
      expect(AMOUNT_USD as number).toBeCloseTo(usd(e), 9)
    })
  })

  it('#8 splits blacklisted (city, country) pairs from the rest', () => {
    const ids = (topic: string): unknown[] => values(topic).map((r) => r['TRANSACTION_ID'])
    const blacklisted = events.filter(isBlacklisted)
    expect(blacklisted.length).toBeGreaterThan(0)
    expect(ids('TRANSACTIONS_BLACKLISTED')).toEqual(blacklisted.map((e) => e.transaction_id))
    expect(ids('TRANSACTIONS_ALLOWED')).toEqual(
      events.filter((e) => !isBlacklisted(e)).map((e) => e.transaction_id),
    )
  })

  it('#9 writes one stream per status', () => {
    for (const status of ['completed', 'pending', 'failed', 'processing', 'cancelled']) {
      const rows = values(`TRANSACTIONS_${status.toUpperCase()}`)
      expect(rows).toEqual(events.filter((e) => e.status === status).map(flat))
    }
  })

  it('#10 totals per payment method and purchased quantity per product', () => {
    const perMethod = new Map(
      [...groupBy(events, (e) => e.payment_method)].map(([method, es]) => [
        method,
        { TOTAL_AMOUNT: sum(es.map((e) => e.amount)), TRANSACTION_COUNT: es.length },
      ]),
    )
    expectTotalsClose(latest('TOTALS_PER_PAYMENT_METHOD'), perMethod)
    const purchases = events.filter((e) => e.transaction_type === 'purchase')
    const perProduct = new Map(
      [...groupBy(purchases, (e) => e.product_id)].map(([product, es]) => [
        product,
        { TOTAL_QUANTITY: sum(es.map((e) => e.quantity)), PURCHASE_COUNT: es.length },
      ]),
    )
    expectTotalsClose(latest('PRODUCT_PURCHASES'), perProduct)
  })

  it('#11 totals USD per (user, type) under a JSON two-column key and under a CONCAT key', () => {
    const groups = groupBy(events, (e) =>
      JSON.stringify({ USER_ID: e.user_id, TRANSACTION_TYPE: e.transaction_type }),
    )
    const expected = new Map([...groups].map(([key, es]) => [key, { TOTAL_SPENT_USD: sum(es.map(usd)) }]))
    const jsonKeyed = latest('SPENT_PER_USER_AND_TYPE', (r) => JSON.stringify(JSON.parse(r.key!.toString())))
    expectTotalsClose(jsonKeyed, expected)

    const concatGroups = groupBy(events, (e) => `${e.user_id}-${e.transaction_type}`)
    const concatExpected = new Map(
      [...concatGroups].map(([key, es]) => [key, { TOTAL_SPENT_USD: sum(es.map(usd)) }]),
    )
    expectTotalsClose(latest('SPENT_PER_USER_TYPE_KEY'), concatExpected)
  })

  it('#12 tracks each transaction status history and the latest event per id', () => {
    const byId = groupBy(events, (e) => e.transaction_id)
    const expected = new Map(
      [...byId].map(([id, es]) => [
        id,
        {
          CURRENT_STATUS: es.at(-1)!.status,
          STATUS_HISTORY: es.map((e) => e.status),
          UPDATE_COUNT: es.length,
          LAST_UPDATE_TIME: es.at(-1)!.timestamp,
        },
      ]),
    )
    const history = latest('TRANSACTION_STATUS_HISTORY')
    expectTotalsClose(history, expected)
    expect([...history.values()].some((row) => (row!['UPDATE_COUNT'] as number) === 3)).toBe(true)

    const rekeyed = engine.records('TRANSACTIONS_BY_ID')
    expect(rekeyed.map((r) => r.key!.toString())).toEqual(events.map((e) => e.transaction_id))

    const [pull] = engine.execute('SELECT * FROM transaction_latest;')
    if (pull?.kind !== 'queryRows') throw new Error(`expected query rows, got ${pull?.kind}`)
    const names = pull.columns.map((c) => c.name)
    const rows = new Map(pull.rows.map((row) => [row[names.indexOf('TRANSACTION_ID')] as string, row]))
    expect(rows.size).toBe(byId.size)
    for (const [id, es] of byId) {
      const row = rows.get(id)!
      expect(row[names.indexOf('STATUS')]).toBe(es.at(-1)!.status)
      expect(row[names.indexOf('EVENT_TIME')]).toBe(es.at(-1)!.timestamp)
    }
  })

  it('#13 sums amounts per type over 5-minute windows hopping by 1 minute', () => {
    const size = 5 * 60_000
    const advance = 60_000
    const expected = new Map<string, Row>()
    const maxTime = new Map<string, number>()
    for (const e of events) {
      const t = receptionTime(e)
      for (let start = Math.floor(t / advance) * advance; start > t - size; start -= advance) {
        if (start < 0) break
        const key = `${e.transaction_type}@${start}`
        const row = expected.get(key) ?? {
          TOTAL_AMOUNT_5MIN: 0,
          TRANSACTION_COUNT_5MIN: 0,
          WINDOW_START: start,
          WINDOW_END: start + size,
        }
        expected.set(key, {
          ...row,
          TOTAL_AMOUNT_5MIN: (row['TOTAL_AMOUNT_5MIN'] as number) + e.amount,
          TRANSACTION_COUNT_5MIN: (row['TRANSACTION_COUNT_5MIN'] as number) + 1,
        })
        maxTime.set(key, Math.max(maxTime.get(key) ?? 0, t))
      }
    }
    const windowKey = (r: EngineRecord): string =>
      `${r.key!.subarray(0, r.key!.length - 8).toString()}@${Number(r.key!.readBigInt64BE(r.key!.length - 8))}`
    const records = engine.records('SLIDING_AMOUNT_PER_TYPE')
    // every event updates the 5 windows it falls in (caching off: each update is emitted)
    expect(records).toHaveLength(5 * events.length)
    expectTotalsClose(latest('SLIDING_AMOUNT_PER_TYPE', windowKey), expected)
    const lastTimestamp = new Map(records.map((r) => [windowKey(r), r.timestamp]))
    expect(lastTimestamp).toEqual(maxTime)
  })
})

describe('lab statements applied after the events were produced', () => {
  const few = generateTransactions({ count: 400, seed: 99, lifecycle: true })

  function run(order: 'statements first' | 'events first', keepSet = true): Engine {
    // The server default is `latest`: only the files' own SET makes late queries replay the topic.
    const e = createEngine({ properties: { 'ksql.service.id': 'lab_order_' } })
    e.createTopic('transaction_log', 1)
    const produce = (): void => {
      for (const t of few) {
        e.produce({
          topic: 'transaction_log',
          key: null,
          value: Buffer.from(serializeTransaction(t)),
          timestamp: receptionTime(t),
        })
      }
    }
    if (order === 'events first') produce()
    for (const file of readdirSync(KSQL_DIR).sort()) {
      const text = readFileSync(join(KSQL_DIR, file), 'utf8')
      e.execute(keepSet ? text : text.replace(/^SET 'auto\.offset\.reset'='earliest';$/m, ''))
    }
    if (order === 'statements first') produce()
    return e
  }

  it("replays the topic thanks to SET 'auto.offset.reset'='earliest': same sinks as when statements come first", () => {
    const first = run('statements first')
    const late = run('events first')
    const sinks = first.topics().filter((t) => t !== 'transaction_log')
    expect(sinks.length).toBeGreaterThanOrEqual(20)
    for (const topic of sinks) {
      const view = (en: Engine): string[] =>
        en.records(topic).map((r) => `${r.key?.toString('hex')}|${r.value?.toString()}|${r.timestamp}`)
      expect(view(late), topic).toEqual(view(first))
      expect(view(first).length, topic).toBeGreaterThan(0)
    }
  })

  it('sees nothing without the SET (the lab trap: the default is latest)', () => {
    const late = run('events first', false)
    expect(late.records('TRANSACTIONS_FLAT')).toHaveLength(0)
    expect(late.records('AMOUNT_PER_TYPE')).toHaveLength(0)
  })
})
