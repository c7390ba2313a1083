/**
 * Pure generator of the lab's payment-transaction events (lab.md §1), seeded so that the same options
 * always give the same events, byte for byte. No I/O: `dip produce` decides keys, topics and pacing.
 *
 * API
 *   generateTransactions(options): TransactionEvent[]
 *     options.count       number of distinct transactions (default DEFAULT_COUNT)
 *     options.seed        faker seed (default 42)
 *     options.now         epoch ms that anchors time (default LAB_EPOCH_MS, so output does not depend on the
 *                         clock); event `timestamp`s are spread uniformly over [now - spreadDays, now)
 *     options.spreadDays  width of the event-time spread (default 30, like the original kit)
 *     options.threads     senders of the original kit (default 10): fills `thread` / `message_number`
 *     options.sendIntervalMs  pause between two sends (default 200): fills `timestamp_of_reception_log`
 *     options.lifecycle   false (default): every transaction appears once, as in the original kit.
 *                         true or { fraction }: that fraction (default 0.3) of transactions start as
 *                         `pending` and get later events with the same transaction_id: `processing`, then
 *                         one of `completed` | `failed` | `cancelled`. Updates always come after the
 *                         earlier statuses of the same id, so offset order is status order.
 *   eventTime(event): number       epoch ms of the event's own `timestamp` (microseconds truncated)
 *   receptionTime(event): number   epoch ms of `timestamp_of_reception_log` (the send time, UTC, seconds)
 *   serializeTransaction(event): string   the JSON text sent as the Kafka record value
 *
 * The events of one call are in send order: reception times increase by `sendIntervalMs`, so using
 * receptionTime() as the Kafka record timestamp reproduces the original producer (record time = send time).
 */
import { Faker, en } from '@faker-js/faker'
import { DEFAULT_COUNT } from './default-count.ts'

export interface Location {
  readonly city: string
  readonly country: string
}

export interface ShippingAddress {
  readonly street: string
  readonly zip: string
  readonly city: string
  readonly country: string
}

export interface DeviceInfo {
  readonly os: string
  readonly browser: string
  readonly ip_address: string
}

export interface TransactionEvent {
  readonly transaction_id: string
  readonly timestamp: string
  readonly user_id: string
  readonly user_name: string
  readonly product_id: string
  readonly amount: number
  readonly currency: string
  readonly transaction_type: string
  readonly status: string
  readonly location: Location
  readonly payment_method: string
  readonly product_category: string
  readonly quantity: number
  readonly shipping_address: ShippingAddress
  readonly device_info: DeviceInfo
  readonly customer_rating: number | null
  readonly discount_code: string | null
  readonly tax_amount: number
  readonly thread: number
  readonly message_number: number
  readonly timestamp_of_reception_log: string
}

export interface LifecycleOptions {
  /** Share of transactions that go pending → processing → final status (0..1). */
  readonly fraction: number
}

export interface GenerateOptions {
  readonly count?: number
  readonly seed?: number
  readonly now?: number
  readonly spreadDays?: number
  readonly threads?: number
  readonly sendIntervalMs?: number
  readonly lifecycle?: boolean | LifecycleOptions
}

/** Default time anchor: a fixed instant, so that a seed alone pins the whole output. */
export const LAB_EPOCH_MS = Date.UTC(2025, 3, 8, 12, 0, 0)

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'JPY', 'AUD'] as const
export const TRANSACTION_TYPES = ['purchase', 'refund', 'payment', 'withdrawal'] as const
export const STATUSES = ['completed', 'pending', 'failed', 'processing', 'cancelled'] as const
export const FINAL_STATUSES = ['completed', 'failed', 'cancelled'] as const
export const PAYMENT_METHODS = [
  'credit_card',
  'paypal',
  'bank_transfer',
  'apple_pay',
  'google_pay',
  'cryptocurrency',
] as const
export const PRODUCT_CATEGORIES = ['electronics', 'clothing', 'books', 'home_goods', 'food'] as const
export const OPERATING_SYSTEMS = ['Windows', 'MacOS', 'Linux', 'Android', 'iOS'] as const
export const BROWSERS = ['Chrome', 'Firefox', 'Safari', 'Edge'] as const

export const CITIES_BY_COUNTRY: Readonly<Record<string, readonly string[]>> = {
  USA: ['New York', 'Los Angeles', 'Chicago', 'Houston', 'Phoenix'],
  Canada: ['Toronto', 'Montreal', 'Vancouver', 'Calgary', 'Ottawa'],
  UK: ['London', 'Birmingham', 'Manchester', 'Glasgow', 'Liverpool'],
  Germany: ['Berlin', 'Hamburg', 'Munich', 'Cologne', 'Frankfurt'],
  France: ['Paris', 'Marseille', 'Lyon', 'Toulouse', 'Nice'],
  Japan: ['Tokyo', 'Osaka', 'Kyoto', 'Yokohama', 'Nagoya'],
  Australia: ['Sydney', 'Melbourne', 'Brisbane', 'Perth', 'Adelaide'],
  Brazil: ['São Paulo', 'Rio de Janeiro', 'Brasília', 'Salvador', 'Fortaleza'],
  India: ['Mumbai', 'Delhi', 'Bangalore', 'Hyderabad', 'Chennai'],
  China: ['Shanghai', 'Beijing', 'Guangzhou', 'Shenzhen', 'Hangzhou'],
}

const COUNTRIES = Object.keys(CITIES_BY_COUNTRY)

/** ~100 first names and surnames; a fixed list so output does not change with faker's locale data. */
export const USER_NAMES = [
  ...['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth'],
  ...['David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen'],
  ...['Christopher', 'Nancy', 'Daniel', 'Lisa', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra'],
  ...['Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle'],
  ...['Kenneth', 'Dorothy', 'Kevin', 'Carol', 'Brian', 'Amanda', 'George', 'Melissa', 'Edward', 'Deborah'],
  ...['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez'],
  ...['Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee'],
  ...['Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker'],
  ...['Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green'],
  ...['Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Dubois'],
] as const

const DAY_MS = 86_400_000

interface Draft {
  readonly order: number
  readonly event: Omit<TransactionEvent, 'thread' | 'message_number' | 'timestamp_of_reception_log'>
}

export function generateTransactions(options: GenerateOptions = {}): TransactionEvent[] {
  const count = options.count ?? DEFAULT_COUNT
  const now = options.now ?? LAB_EPOCH_MS
  const spreadMs = (options.spreadDays ?? 30) * DAY_MS
  const threads = options.threads ?? 10
  const sendIntervalMs = options.sendIntervalMs ?? 200
  const lifecycleFraction = lifecycleShare(options.lifecycle)
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number ≥ 0, got ${count}`)
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be ≥ 1, got ${threads}`)

  const faker = new Faker({ locale: [en] })
  faker.seed(options.seed ?? 42)
  const drafts: Draft[] = []
  const usedIds = new Set<string>()

  for (let i = 0; i < count; i++) {
    const base = baseEvent(faker, now, spreadMs, usedIds)
    if (faker.number.float({ min: 0, max: 1 }) < lifecycleFraction) {
      // Later statuses get fractional orders after the first one, so a stable sort interleaves them with
      // other transactions while keeping each id's statuses in order.
      const pending = { ...base, status: 'pending', tax_amount: 0 }
      drafts.push({ order: i, event: pending })
      const processingAt = i + faker.number.float({ min: 0.5, max: 20 })
      const finalAt = processingAt + faker.number.float({ min: 0.5, max: 40 })
      const processingMs = eventTime(base) + faker.number.int({ min: 1, max: 300 }) * 1000
      const finalMs = processingMs + faker.number.int({ min: 1, max: 600 }) * 1000
      drafts.push({
        order: processingAt,
        event: { ...pending, status: 'processing', timestamp: isoMicros(processingMs, faker) },
      })
      const finalStatus = faker.helpers.arrayElement(FINAL_STATUSES)
      drafts.push({
        order: finalAt,
        event: {
          ...pending,
          status: finalStatus,
          timestamp: isoMicros(finalMs, faker),
          tax_amount: taxFor(faker, finalStatus, base.amount),
        },
      })
    } else {
      drafts.push({ order: i, event: base })
    }
  }

  drafts.sort((a, b) => a.order - b.order)
  // Every draft holds an object of its own, so the last fields are added in place (at the end, as a
  // spread copy would put them) instead of copying twenty fields per event.
  return drafts.map((draft, index) => {
    const event = draft.event as Record<string, unknown>
    event['thread'] = index % threads
    event['message_number'] = Math.floor(index / threads)
    event['timestamp_of_reception_log'] = receptionText(now + index * sendIntervalMs)
    return event as unknown as TransactionEvent
  })
}

export function eventTime(event: Pick<TransactionEvent, 'timestamp'>): number {
  const ms = Date.parse(event.timestamp.replace(/(\.\d{3})\d*Z$/, '$1Z'))
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 timestamp: ${event.timestamp}`)
  return ms
}

export function receptionTime(event: Pick<TransactionEvent, 'timestamp_of_reception_log'>): number {
  const match = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(event.timestamp_of_reception_log)
  if (!match) throw new RangeError(`not a dd/mm/YYYY HH:MM:SS time: ${event.timestamp_of_reception_log}`)
  const [, dd, mm, yyyy, hh, mi, ss] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  return Date.UTC(yyyy, mm - 1, dd, hh, mi, ss)
}

export function serializeTransaction(event: TransactionEvent): string {
  return JSON.stringify(event)
}

function lifecycleShare(lifecycle: GenerateOptions['lifecycle']): number {
  if (lifecycle === undefined || lifecycle === false) return 0
  if (lifecycle === true) return 0.3
  if (!(lifecycle.fraction >= 0 && lifecycle.fraction <= 1)) {
    throw new RangeError(`lifecycle.fraction must be within 0..1, got ${lifecycle.fraction}`)
  }
  return lifecycle.fraction
}

function baseEvent(faker: Faker, now: number, spreadMs: number, usedIds: Set<string>): Draft['event'] {
  let transactionId: string
  do {
    transactionId = `TXN-${faker.string.hexadecimal({ length: 8, casing: 'lower', prefix: '' })}`
  } while (usedIds.has(transactionId))
  usedIds.add(transactionId)

  const country = faker.helpers.arrayElement(COUNTRIES)
  const city = faker.helpers.arrayElement(CITIES_BY_COUNTRY[country] ?? [])
  const amount = cents(faker.number.float({ min: 10, max: 1000 }))
  const status = faker.helpers.arrayElement(STATUSES)
  const eventMs = now - spreadMs + faker.number.int({ min: 0, max: spreadMs - 1 })
  return {
    transaction_id: transactionId,
    timestamp: isoMicros(eventMs, faker),
    user_id: `USER-${faker.number.int({ min: 1000, max: 9999 })}`,
    user_name: faker.helpers.arrayElement(USER_NAMES),
    product_id: `PROD-${faker.number.int({ min: 100, max: 999 })}`,
    amount,
    currency: faker.helpers.arrayElement(CURRENCIES),
    transaction_type: faker.helpers.arrayElement(TRANSACTION_TYPES),
    status,
    location: { city, country },
    payment_method: faker.helpers.arrayElement(PAYMENT_METHODS),
    product_category: faker.helpers.arrayElement(PRODUCT_CATEGORIES),
    quantity: faker.number.int({ min: 1, max: 10 }),
    shipping_address: {
      street: `${faker.number.int({ min: 100, max: 999 })} Main St`,
      zip: String(faker.number.int({ min: 10000, max: 99999 })),
      city,
      country,
    },
    device_info: {
      os: faker.helpers.arrayElement(OPERATING_SYSTEMS),
      browser: faker.helpers.arrayElement(BROWSERS),
      ip_address: Array.from({ length: 4 }, () => faker.number.int({ min: 0, max: 255 })).join('.'),
    },
    customer_rating: faker.datatype.boolean() ? null : faker.number.int({ min: 1, max: 5 }),
    discount_code: faker.datatype.boolean() ? null : `DISCOUNT-${faker.number.int({ min: 100, max: 999 })}`,
    tax_amount: taxFor(faker, status, amount),
  }
}

function taxFor(faker: Faker, status: string, amount: number): number {
  return status === 'completed' ? cents(amount * faker.number.float({ min: 0.05, max: 0.2 })) : 0.0
}

function cents(x: number): number {
  return Math.round(x * 100) / 100
}

/** `2025-04-08T09:19:02.128833Z`: the original's microsecond precision (the extra 3 digits are random). */
function isoMicros(ms: number, faker: Faker): string {
  const micros = String(faker.number.int({ min: 0, max: 999 })).padStart(3, '0')
  return `${new Date(ms).toISOString().slice(0, -1)}${micros}Z`
}

function receptionText(ms: number): string {
  const d = new Date(ms)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}
