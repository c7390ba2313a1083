import type { EngineRecord } from '../engine-api.ts'

export interface StoredRecord extends EngineRecord {
  readonly offset: number
}

export type TopicListener = (record: StoredRecord) => void

export interface TopicStoreOptions {
  /**
   * How many of its newest records each topic keeps for records() and for queries started with
   * 'auto.offset.reset'='earliest' (as Kafka's retention would); offsets keep counting regardless.
   * Default: every record, as QTT needs. 0 keeps none: a long-running server or benchmark that only
   * needs the queries' live output stays in bounded memory.
   */
  readonly retainRecords?: number
}

interface Topic {
  readonly name: string
  partitions: number
  records: StoredRecord[]
  /** Set for a table's topic: the newest record per (partition, key), as a compacted topic keeps. */
  latest: Map<string, StoredRecord> | null
  /** Records no longer retained: a query reading from 'earliest' needs them from elsewhere. */
  trimmed: boolean
  readonly nextOffset: number[]
  /** Replaced (not mutated) on subscribe/unsubscribe, so a delivery loop never sees it change. */
  listeners: readonly TopicListener[]
}

/**
 * In-memory topics with per-partition offsets. Appending a record synchronously notifies every
 * subscribed query, which may append to further topics: a produce() returns after the whole
 * downstream cascade ran, as QTT expects with caching off.
 */
export class InMemoryTopics {
  private readonly topics = new Map<string, Topic>()
  /** Listeners of every topic's appends, called before the topic's own listeners. */
  private tapListeners: readonly TopicListener[] = []
  private readonly retain: number

  constructor(options: TopicStoreOptions = {}) {
    const retain = options.retainRecords ?? Number.POSITIVE_INFINITY
    if (!(retain >= 0) || (Number.isFinite(retain) && !Number.isInteger(retain)))
      throw new RangeError(
        `retainRecords must be a whole number of records ≥ 0 (or omitted to keep all), got ${String(retain)}`,
      )
    this.retain = retain
  }

  create(name: string, partitions = 1): void {
    if (this.topics.has(name)) return
    this.topics.set(name, {
      name,
      partitions,
      records: [],
      latest: null,
      trimmed: false,
      nextOffset: new Array<number>(partitions).fill(0),
      listeners: [],
    })
  }

  has(name: string): boolean {
    return this.topics.has(name)
  }

  partitions(name: string): number | undefined {
    return this.topics.get(name)?.partitions
  }

  delete(name: string): void {
    this.topics.delete(name)
  }

  names(): string[] {
    return [...this.topics.keys()]
  }

  /** The retained records, oldest first (all of them unless retainRecords is set). */
  records(name: string): readonly StoredRecord[] {
    const topic = this.topics.get(name)
    if (topic === undefined) return []
    if (topic.latest !== null) return [...topic.latest.values()]
    this.trim(topic, this.retain)
    return topic.records
  }

  /**
   * Keeps only the newest record per key of this topic (a tombstone removes its key), whatever
   * retainRecords says: a table's rows stay answerable by pull queries in memory bounded by its keys.
   */
  keepLatestPerKey(name: string): void {
    this.create(name)
    const topic = this.topics.get(name) as Topic
    if (topic.latest !== null) return
    topic.latest = new Map()
    for (const record of topic.records) this.upsert(topic, record)
    topic.records = []
  }

  /** Whether records() still holds every record appended (newest per key counting as whole, for tables). */
  holdsHistory(name: string): boolean {
    const topic = this.topics.get(name)
    if (topic === undefined) return true
    if (topic.latest !== null) return true
    this.trim(topic, this.retain)
    return !topic.trimmed
  }

  /** Per partition, the offset the next record will get (Kafka's log end offset). */
  endOffsets(name: string): readonly number[] {
    return this.topics.get(name)?.nextOffset ?? []
  }

  append(record: Omit<EngineRecord, 'partition'> & { readonly partition?: number }): StoredRecord {
    return this.appendParts(
      record.topic,
      record.partition ?? 0,
      record.key,
      record.value,
      record.timestamp,
      record.headers,
    )
  }

  /** append() of a record given by its parts: a sink appending each of its records builds one object, not two. */
  appendParts(
    name: string,
    requested: number,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers?: EngineRecord['headers'],
  ): StoredRecord {
    let topic = this.topics.get(name)
    if (topic === undefined) {
      this.create(name)
      topic = this.topics.get(name) as Topic
    }
    const partition = requested <= 0 ? 0 : Math.min(requested, topic.partitions - 1)
    const offset = topic.nextOffset[partition] ?? 0
    topic.nextOffset[partition] = offset + 1
    const stored: StoredRecord =
      headers === undefined
        ? { topic: name, partition, key, value, timestamp, offset }
        : { topic: name, partition, key, value, timestamp, offset, headers }
    if (topic.latest !== null) this.upsert(topic, stored)
    else if (this.retain > 0) {
      topic.records.push(stored)
      // Trimmed in batches (amortized O(1) per record); records() trims to the exact count.
      if (topic.records.length >= 2 * this.retain + 1024) this.trim(topic, this.retain)
    } else topic.trimmed = true
    const taps = this.tapListeners
    for (let i = 0; i < taps.length; i++) (taps[i] as TopicListener)(stored)
    const listeners = topic.listeners
    for (let i = 0; i < listeners.length; i++) (listeners[i] as TopicListener)(stored)
    return stored
  }

  subscribe(name: string, listener: TopicListener): () => void {
    this.create(name)
    const topic = this.topics.get(name) as Topic
    topic.listeners = [...topic.listeners, listener]
    return () => {
      topic.listeners = topic.listeners.filter((l) => l !== listener)
    }
  }

  /** Sees every record appended to any topic, retained or not (e.g. to forward output to Kafka). */
  tap(listener: TopicListener): () => void {
    this.tapListeners = [...this.tapListeners, listener]
    return () => {
      this.tapListeners = this.tapListeners.filter((l) => l !== listener)
    }
  }

  private trim(topic: Topic, keep: number): void {
    if (topic.records.length > keep) {
      topic.records = topic.records.slice(topic.records.length - keep)
      topic.trimmed = true
    }
  }

  private upsert(topic: Topic, record: StoredRecord): void {
    const latest = topic.latest as Map<string, StoredRecord>
    const id = `${record.partition}:${record.key === null ? '-' : record.key.toString('base64')}`
    // Deleted first, so the map's order stays the order of the last updates.
    latest.delete(id)
    if (record.value !== null) latest.set(id, record)
  }
}
