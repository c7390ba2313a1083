/**
 * Per-topic message counters for DESCRIBE … EXTENDED, kept from the engine's append tap: every
 * record a topic receives (from Kafka, INSERT or a query) counts once. Printed in ksqlDB's
 * `statistics` / `errorStats` layout (MetricCollectors.format): `%16s:%10.0f` per stat, then
 * `last-message:` and an ISO time.
 */
interface Counter {
  messages: number
  bytes: number
  lastMs: number
  /** Messages per whole second, for the last two seconds (Kafka's Rate over two 1 s samples). */
  windowStart: number
  current: number
  previous: number
}

const RATE_WINDOW_MS = 1000

export interface Stat {
  readonly name: string
  readonly value: number
}

export class TopicStatistics {
  private readonly counters = new Map<string, Counter>()
  private readonly now: () => number

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  record(topic: string, bytes: number): void {
    const now = this.now()
    let c = this.counters.get(topic)
    if (c === undefined) {
      c = { messages: 0, bytes: 0, lastMs: 0, windowStart: now, current: 0, previous: 0 }
      this.counters.set(topic, c)
    }
    this.roll(c, now)
    c.messages++
    c.bytes += bytes
    c.lastMs = now
    c.current++
  }

  /**
   * ksqlDB's statistics of a source's topic: what the queries reading it consumed (each query counts
   * the topic's records) and, when a query writes it, what it produced.
   */
  statistics(topic: string, readers: number, written: boolean): string {
    const c = this.counters.get(topic)
    if (c === undefined || (readers === 0 && !written)) return ''
    this.roll(c, this.now())
    const rate = (c.previous + c.current) / 2
    const stats: Stat[] = []
    if (readers > 0) {
      stats.push(
        { name: 'consumer-messages-per-sec', value: rate * readers },
        { name: 'consumer-total-messages', value: c.messages * readers },
        { name: 'consumer-total-bytes', value: c.bytes * readers },
      )
    }
    if (written)
      stats.push({ name: 'messages-per-sec', value: rate }, { name: 'total-messages', value: c.messages })
    return formatStats(stats, 'last-message', c.lastMs)
  }

  private roll(c: Counter, now: number): void {
    const elapsed = Math.floor((now - c.windowStart) / RATE_WINDOW_MS)
    if (elapsed <= 0) return
    c.previous = elapsed === 1 ? c.current : 0
    c.current = 0
    c.windowStart += elapsed * RATE_WINDOW_MS
  }
}

/** The processing log's failures on a topic, as ksqlDB's errorStats (no time is kept per failure). */
export function errorStatistics(failed: number): string {
  return failed === 0
    ? ''
    : formatStats([{ name: 'consumer-failed-messages', value: failed }], 'last-failed', 0)
}

/** MetricCollectors.format: each stat `%16s:%10.0f` (or `%10.2f` when fractional), then the last event. */
export function formatStats(stats: readonly Stat[], lastLabel: string, lastMs: number): string {
  if (stats.length === 0) return ''
  const body = stats
    .map((s) => {
      const value = s.value === Math.round(s.value) ? s.value.toFixed(0) : s.value.toFixed(2)
      return `${s.name.padStart(16)}:${value.padStart(10)} `
    })
    .join('')
  return `${body}${`${lastLabel}`.padStart(16)}: ${isoOffsetTime(lastMs).padStart(9)}`
}

/** Java's ISO_OFFSET_DATE_TIME in UTC: fraction digits only as needed ("…:45.28Z", "…:45Z"); n/a for 0. */
export function isoOffsetTime(ms: number): string {
  if (ms === 0) return 'n/a'
  const iso = new Date(ms).toISOString() // 2021-10-05T10:41:45.280Z
  const fraction = iso.slice(20, 23).replace(/0+$/, '')
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`
}
