/**
 * The state stores of a stream-stream join, as Kafka Streams keeps them: one window store per side
 * (every row by join key and event time, duplicates kept) and the store of rows still waiting for
 * a partner (LEFT / RIGHT / FULL joins).
 */

/** A buffered row: its timestamp and what the join emits from it. */
export interface TimedEntry<T> {
  readonly timestamp: number
  readonly value: T
}

export interface JoinWindowStore<T> {
  /** Buffers a value; false when it is already older than the store's retention (dropped). */
  put(key: string, timestamp: number, value: T): boolean
  /** The key's values with a timestamp in [from, to], oldest first (same time: in arrival order). */
  fetch(key: string, from: number, to: number): TimedEntry<T>[]
  /** How many values are held (for tests and metrics). */
  size(): number
}

/** Sweep every key for expired values after this many puts (bounds memory over idle keys). */
const SWEEP_EVERY_PUTS = 1024

/**
 * A window store with retention: its stream time is the latest timestamp put; a value expires once
 * it is `retentionMs` or more behind (Kafka Streams' in-memory window store rule).
 */
export function createJoinWindowStore<T>(retentionMs: number): JoinWindowStore<T> {
  const byKey = new Map<string, TimedEntry<T>[]>()
  let observedStreamTime = Number.NEGATIVE_INFINITY
  let puts = 0
  let held = 0
  const expired = (timestamp: number): boolean => timestamp <= observedStreamTime - retentionMs
  const trim = (key: string, list: TimedEntry<T>[]): void => {
    let drop = 0
    while (drop < list.length && expired((list[drop] as TimedEntry<T>).timestamp)) drop++
    if (drop > 0) {
      list.splice(0, drop)
      held -= drop
    }
    if (list.length === 0) byKey.delete(key)
  }
  return {
    put(key, timestamp, value) {
      observedStreamTime = Math.max(observedStreamTime, timestamp)
      if (expired(timestamp)) return false
      const list = byKey.get(key) ?? []
      list.splice(upperBound(list, timestamp), 0, { timestamp, value })
      byKey.set(key, list)
      held++
      trim(key, list)
      if (++puts % SWEEP_EVERY_PUTS === 0) for (const [k, l] of byKey) trim(k, l)
      return true
    },
    fetch(key, from, to) {
      const list = byKey.get(key)
      if (list === undefined) return []
      const lowest = Math.max(from, observedStreamTime - retentionMs + 1)
      return list.filter((e) => e.timestamp >= lowest && e.timestamp <= to)
    },
    size: () => held,
  }
}

/** Index after the last entry with a timestamp ≤ `timestamp` (keeps arrival order on ties). */
function upperBound(list: readonly { readonly timestamp: number }[], timestamp: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as { timestamp: number }).timestamp <= timestamp) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A row waiting for a partner: which Kafka Streams side it came from, its key and its time. */
export interface PendingEntry<T> {
  readonly timestamp: number
  /** The join's Kafka Streams left side (ksqlDB's right stream in a RIGHT JOIN). */
  readonly kafkaLeft: boolean
  readonly key: string
  /** The key's serialized order (timestamp, side, key bytes is the store's iteration order). */
  readonly keyOrder: Buffer
  readonly value: T
}

export interface PendingStore<T> {
  put(entry: PendingEntry<T>): void
  /** Drops every entry of that time, side and key (its row found a partner). */
  delete(timestamp: number, kafkaLeft: boolean, key: string): void
  /** Entries in the store's order: timestamp, then right side before left, then key bytes. */
  entries(): readonly PendingEntry<T>[]
  remove(entry: PendingEntry<T>): void
  size(): number
}

/**
 * The "outer join" store of Kafka Streams' spurious-result fix, iterated in its key order:
 * 8-byte timestamp, side byte (left = 1), serialized key; values of one key in arrival order.
 */
export function createPendingStore<T>(): PendingStore<T> {
  const list: PendingEntry<T>[] = []
  const order = (a: PendingEntry<T>, b: PendingEntry<T>): number =>
    a.timestamp - b.timestamp ||
    Number(a.kafkaLeft) - Number(b.kafkaLeft) ||
    Buffer.compare(a.keyOrder, b.keyOrder)
  return {
    put(entry) {
      let i = list.length
      while (i > 0 && order(list[i - 1] as PendingEntry<T>, entry) > 0) i--
      list.splice(i, 0, entry)
    },
    delete(timestamp, kafkaLeft, key) {
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i] as PendingEntry<T>
        if (e.timestamp === timestamp && e.kafkaLeft === kafkaLeft && e.key === key) list.splice(i, 1)
      }
    },
    entries: () => [...list],
    remove(entry) {
      const i = list.indexOf(entry)
      if (i >= 0) list.splice(i, 1)
    },
    size: () => list.length,
  }
}

/**
 * The byte order of a join key as Kafka serializes it (big-endian numbers, UTF-8 strings), so
 * pending rows of one timestamp come out in Kafka Streams' order; a window start follows the key.
 */
export function keyOrderBytes(value: unknown, windowStart: number | null): Buffer {
  let bytes: Buffer
  if (typeof value === 'bigint') {
    bytes = Buffer.alloc(8)
    bytes.writeBigInt64BE(value)
  } else if (typeof value === 'number') {
    bytes = Buffer.alloc(8)
    if (Number.isInteger(value)) bytes.writeBigInt64BE(BigInt(value))
    else bytes.writeDoubleBE(value)
  } else if (typeof value === 'string') bytes = Buffer.from(value, 'utf8')
  else if (Buffer.isBuffer(value)) bytes = value
  else bytes = Buffer.from(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
  if (windowStart === null) return bytes
  const start = Buffer.alloc(8)
  start.writeBigInt64BE(BigInt(windowStart))
  return Buffer.concat([bytes, start])
}
