import type { ConsumedRecord, ProducedRecord } from '../../kafka/ports.ts'
import type { EngineRecord, StatementResult } from '../engine-api.ts'
import type { EmbeddedEngine } from '../engine.ts'
import type { AcceptedRequest } from '../server/ksql-backend.ts'

/**
 * What the engine writes that must go to Kafka, collected from its append tap (not from its
 * retained records, so the engine may keep few). Records read from Kafka and appended to their
 * topic are input, not output; rows the engine appends to an input topic (INSERT … VALUES) are
 * output, and are recognised (echoes) when the consumer reads them back.
 */
export interface EngineOutput {
  /** Runs `append` (one record read from Kafka into its topic) without collecting that record. */
  asInput(topic: string, append: () => void): void
  /** Forgets what was collected: it was committed before this start. */
  discard(): void
  /** Takes the collected output; `written()` (once committed) registers its input-topic rows as echoes. */
  take(inputTopics: ReadonlySet<string>): { records: ProducedRecord[]; written: () => void }
  /** True (once per row written) when a record read from Kafka is a row this server wrote. */
  isEcho(record: ConsumedRecord): boolean
  /** Turns the record cache on for tables a request created with it (see coalesce). */
  noteCaching(request: AcceptedRequest, results: readonly StatementResult[]): void
}

const CACHE_PROPERTY = 'ksql.streams.cache.max.bytes.buffering'
const CACHE_PROPERTY_BARE = 'cache.max.bytes.buffering'

export function collectEngineOutput(engine: EmbeddedEngine, commandTopic: string): EngineOutput {
  /** Engine output not yet in Kafka, in append order (each topic's records in their order). */
  let pending: ProducedRecord[] = []
  /** Set while a record read from Kafka is appended to its topic: that append is input. */
  let consumingTopic: string | null = null
  const echoes = new Map<string, number>()
  /** Topics of tables whose query asked for ksqlDB's record cache: one update per key per commit. */
  const cachedTables = new Set<string>()

  engine.onAppend((record) => {
    if (record.topic === consumingTopic) {
      consumingTopic = null
      return
    }
    if (record.topic !== commandTopic) pending.push(toProduced(record))
  })

  /**
   * ksqlDB's record cache, at commit granularity: a cached table's batch keeps only the last update
   * of each key. Its last value per key is the same; far fewer records.
   */
  function coalesce(records: ProducedRecord[]): ProducedRecord[] {
    if (cachedTables.size === 0) return records
    const seen = new Set<string>()
    const kept: ProducedRecord[] = []
    for (let i = records.length - 1; i >= 0; i--) {
      const record = records[i] as ProducedRecord
      if (cachedTables.has(record.topic)) {
        const id = `${record.topic}\u0000${record.partition ?? -1}\u0000${toB64(record.key)}`
        if (seen.has(id)) continue
        seen.add(id)
      }
      kept.push(record)
    }
    return kept.reverse()
  }

  return {
    asInput(topic, append) {
      consumingTopic = topic
      try {
        append()
      } finally {
        consumingTopic = null
      }
    },
    discard() {
      pending = []
    },
    take(inputTopics) {
      const records = coalesce(pending)
      pending = []
      return {
        records,
        written: () => {
          for (const record of records)
            if (inputTopics.has(record.topic))
              echoes.set(echoKey(record), (echoes.get(echoKey(record)) ?? 0) + 1)
        },
      }
    },
    isEcho(record) {
      // The usual case (no INSERT … VALUES waiting to come back) skips encoding every record read.
      if (echoes.size === 0) return false
      const echo = echoKey(record)
      const echoed = echoes.get(echo) ?? 0
      if (echoed === 0) return false
      if (echoed === 1) echoes.delete(echo)
      else echoes.set(echo, echoed - 1)
      return true
    },
    // A table created while the cache property is above 0: request property, or SET earlier in it.
    noteCaching(request, results) {
      let cache = request.properties[CACHE_PROPERTY] ?? request.properties[CACHE_PROPERTY_BARE]
      for (const r of results) {
        if (r.kind === 'propertySet' && (r.name === CACHE_PROPERTY || r.name === CACHE_PROPERTY_BARE))
          cache = r.value ?? undefined
        if (
          r.kind === 'sourceCreated' &&
          r.queryId !== null &&
          r.source.type === 'TABLE' &&
          Number(cache) > 0
        )
          cachedTables.add(r.source.topic)
      }
    },
  }
}

function echoKey(r: {
  readonly topic: string
  readonly key: Buffer | string | null
  readonly value: Buffer | string | null
}): string {
  return `${r.topic}\u0000${toB64(r.key)}\u0000${toB64(r.value)}`
}

function toProduced(record: EngineRecord): ProducedRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    ...(record.headers === undefined ? {} : { headers: record.headers }),
  }
}

function toB64(bytes: Buffer | string | null): string {
  return bytes === null ? '-' : Buffer.from(bytes).toString('base64')
}
