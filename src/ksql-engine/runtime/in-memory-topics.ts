import type { EngineRecord } from '../engine-api.ts'

export interface StoredRecord extends EngineRecord {
  readonly offset: number
}

export type TopicListener = (record: StoredRecord) => void

interface Topic {
  readonly name: string
  partitions: number
  readonly records: StoredRecord[]
  readonly nextOffset: number[]
  readonly listeners: Set<TopicListener>
}

/**
 * In-memory topics with per-partition offsets. Appending a record synchronously notifies every
 * subscribed query, which may append to further topics: a produce() returns after the whole
 * downstream cascade ran, as QTT expects with caching off.
 */
export class InMemoryTopics {
  private readonly topics = new Map<string, Topic>()

  create(name: string, partitions = 1): void {
    const existing = this.topics.get(name)
    if (existing !== undefined) return
    this.topics.set(name, {
      name,
      partitions,
      records: [],
      nextOffset: new Array<number>(partitions).fill(0),
      listeners: new Set(),
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

  records(name: string): readonly StoredRecord[] {
    return this.topics.get(name)?.records ?? []
  }

  append(record: Omit<EngineRecord, 'partition'> & { readonly partition?: number }): StoredRecord {
    this.create(record.topic)
    const topic = this.topics.get(record.topic) as Topic
    const partition = Math.min(Math.max(record.partition ?? 0, 0), topic.partitions - 1)
    const offset = topic.nextOffset[partition] ?? 0
    topic.nextOffset[partition] = offset + 1
    const stored: StoredRecord = {
      topic: record.topic,
      partition,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      offset,
      ...(record.headers === undefined ? {} : { headers: record.headers }),
    }
    topic.records.push(stored)
    for (const listener of topic.listeners) listener(stored)
    return stored
  }

  subscribe(name: string, listener: TopicListener): () => void {
    this.create(name)
    const topic = this.topics.get(name) as Topic
    topic.listeners.add(listener)
    return () => topic.listeners.delete(listener)
  }
}
