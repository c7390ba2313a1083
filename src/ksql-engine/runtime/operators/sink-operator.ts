import { isNullKey, type Row, type WindowBounds } from '../../expression/row.ts'
import type { SinkStep } from '../../planner/execution-plan.ts'
import type { InMemoryTopics } from '../in-memory-topics.ts'
import { partitionForKey } from '../../../shared/murmur2-partition.ts'
import { createKeyCodec, createValueCodec } from '../record-serdes.ts'
import type { Downstream, OperatorContext } from './operator.ts'
import { parseTimestampText } from './parse-timestamp-text.ts'
import { WindowedKeyCache } from './windowed-key-cache.ts'

/**
 * Row → sink record: key and value serialization, windowed key layout, output timestamp
 * (WITH (TIMESTAMP=…)), partition (Kafka's murmur2 of the key bytes, windowed keys without their
 * window; keyless records stay on their input partition), then the append that runs the queries
 * reading the sink topic.
 */
export function createSinkOperator(
  sink: SinkStep,
  context: OperatorContext,
  topics: InMemoryTopics,
): Downstream {
  const valueCodec = createValueCodec(sink.valueFormat, sink.schema.value, sink.formats)
  const serializeKey = createKeySerializer(sink)
  const tsValueIndex =
    sink.timestampColumn === null ? -1 : sink.schema.value.findIndex((c) => c.name === sink.timestampColumn)
  const tsKeyIndex =
    sink.timestampColumn === null ? -1 : sink.schema.key.findIndex((c) => c.name === sink.timestampColumn)
  const tsFormat = sink.timestampFormat
  const topic = sink.topic
  // Windowed keys partition by the key without its window (Kafka Streams' WindowedStreamPartitioner),
  // so every window of a key lands on one partition.
  const windowBytes = sink.window === null ? 0 : sink.window.type === 'SESSION' ? 16 : 8
  return (row: Row) => {
    let key: Buffer | null
    let value: Buffer | null
    let timestamp = row.timestamp
    try {
      if (tsValueIndex >= 0 || tsKeyIndex >= 0) {
        const raw = tsValueIndex >= 0 ? (row.value?.[tsValueIndex] ?? null) : (row.key[tsKeyIndex] ?? null)
        if (raw !== null) {
          timestamp = tsFormat === null ? Number(raw) : parseTimestampText(String(raw), tsFormat)
          if (timestamp < 0) throw new Error(`Invalid timestamp for sink record: ${timestamp}`)
        }
      }
      key = serializeKey(row.key, row.window)
      value = valueCodec.serialize(row.value)
    } catch (error) {
      context.logError((error as Error).message, row)
      return
    }
    const partitions = topics.partitions(topic) ?? 1
    const partition =
      partitions === 1
        ? 0
        : key === null
          ? Math.min(row.partition, partitions - 1)
          : partitionForKey(windowBytes === 0 ? key : key.subarray(0, key.length - windowBytes), partitions)
    topics.appendParts(topic, partition, key, value, timestamp)
  }
}

/**
 * Key columns (+ window) → key bytes. Consecutive rows often carry the same key (a hopping window
 * emits one row per window of the same group, a stream repeats its few keys), so the last key's
 * bytes are kept and reused while the key values are the same; windowed keys then only add the
 * window's 8 or 16 bytes.
 */
function createKeySerializer(
  sink: SinkStep,
): (key: readonly unknown[], window: WindowBounds | null) => Buffer | null {
  const keyCodec = createKeyCodec(sink.keyFormat, sink.schema.key, sink.formats)
  const keyless = sink.schema.key.length === 0
  const windowed = sink.window !== null
  const session = sink.window?.type === 'SESSION'
  let lastKey: readonly unknown[] | null = null
  let lastNullKey = false
  let lastBytes: Buffer | null = null
  const serializeColumns = (key: readonly unknown[]): Buffer | null => {
    const nullKey = isNullKey(key)
    if (lastKey !== null && nullKey === lastNullKey && sameValues(lastKey, key)) return lastBytes
    const bytes = keyCodec.serialize(key)
    lastKey = key
    lastNullKey = nullKey
    lastBytes = bytes
    return bytes
  }
  const windowedKeys = new WindowedKeyCache(session)
  return (key, window) => {
    const bytes = keyless ? null : serializeColumns(key)
    if (!windowed || window === null) return bytes
    return windowedKeys.bytesOf(bytes, window)
  }
}

/** Same length and the same primitives (Object.is: -0 is not 0); objects (structs, decimals…) never match. */
function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    if (!Object.is(x, b[i]) || (typeof x === 'object' && x !== null)) return false
  }
  return true
}
