import { markNullKey, type Row } from '../../expression/row.ts'
import type { SourceStep } from '../../planner/execution-plan.ts'
import { RecordError } from '../../types/record-error.ts'
import { unwrapSessionWindowedKey, unwrapTimeWindowedKey } from '../../serde/index.ts'
import { createKeyCodec, createValueCodec } from '../record-serdes.ts'
import type { StoredRecord } from '../in-memory-topics.ts'
import { createInMemoryStore } from '../state/key-value-store.ts'
import { parseTimestampText } from './parse-timestamp-text.ts'
import type { Downstream, OperatorContext } from './operator.ts'

/** Bytes → Row: key/value deserialization, window unwrapping, event-time extraction, table upserts. */
export function createSourceOperator(
  step: SourceStep,
  context: OperatorContext,
  next: Downstream,
): (record: StoredRecord) => void {
  const keyCodec = createKeyCodec(step.formats.keyFormat, step.schema.key, step.formats)
  const valueCodec = createValueCodec(step.formats.valueFormat, step.schema.value, step.formats)
  const isTable = step.sourceType === 'TABLE'
  const tableStore = createInMemoryStore<Row>()
  const window = step.window
  const timestampIndex =
    step.timestampColumn === null ? -1 : step.schema.value.findIndex((c) => c.name === step.timestampColumn)
  const timestampKeyIndex =
    step.timestampColumn === null ? -1 : step.schema.key.findIndex((c) => c.name === step.timestampColumn)
  const timestampType =
    timestampIndex >= 0 ? step.schema.value[timestampIndex]?.type : step.schema.key[timestampKeyIndex]?.type
  const timestampFormat = step.timestampFormat

  return (record) => {
    let row: Row
    // Which part of the record was being read when an error came (ksqlDB's deserialization target).
    let reading: 'key' | 'value' | null = 'key'
    try {
      let keyBytes = record.key
      let bounds: Row['window'] = null
      if (window !== null && keyBytes !== null) {
        if (window.type === 'SESSION') {
          const unwrapped = unwrapSessionWindowedKey(keyBytes)
          keyBytes = unwrapped.key
          bounds = { start: unwrapped.start, end: unwrapped.end }
        } else {
          const unwrapped = unwrapTimeWindowedKey(keyBytes)
          keyBytes = unwrapped.key
          bounds = { start: unwrapped.start, end: unwrapped.start + (window.sizeMs ?? 0) }
        }
      }
      const key = step.schema.key.length === 0 ? [] : keyCodec.deserialize(keyBytes)
      reading = 'value'
      const value = valueCodec.deserialize(record.value)
      reading = null
      let timestamp = record.timestamp
      if (timestampIndex >= 0 || timestampKeyIndex >= 0) {
        try {
          const raw =
            timestampIndex >= 0
              ? value === null
                ? null
                : value[timestampIndex]
              : (key?.[timestampKeyIndex] ?? null)
          if (raw !== null && raw !== undefined) {
            if (timestampType?.kind === 'STRING') {
              if (timestampFormat === null)
                throw new RecordError('TIMESTAMP_FORMAT is required for a STRING timestamp column')
              timestamp = parseTimestampText(raw as string, timestampFormat)
            } else timestamp = raw as number
          } else if (value !== null) {
            throw new RecordError(`Failed to extract timestamp: column ${step.timestampColumn} is null`)
          }
          if (timestamp < 0)
            throw new RecordError(`Failed to extract timestamp: negative timestamp ${timestamp}`)
        } catch (error) {
          throw new RecordError(
            `Fatal user code error in TimestampExtractor callback for record: ${(error as Error).message}`,
          )
        }
      }
      row = {
        key: key ?? markNullKey(step.schema.key.map(() => null)),
        value,
        timestamp,
        partition: record.partition,
        offset: record.offset,
        window: bounds,
      }
      if (isTable && (key === null || (step.schema.key.length > 0 && key.every((k) => k === null)))) return
    } catch (error) {
      context.logError(
        (error as Error).message,
        {
          key: [],
          value: null,
          timestamp: record.timestamp,
          partition: record.partition,
          offset: record.offset,
          window: null,
        },
        reading === null
          ? undefined
          : { target: reading, bytes: reading === 'key' ? record.key : record.value },
      )
      return
    }
    if (!isTable) {
      next(row, null)
      return
    }
    const storeKey = (record.key ?? Buffer.alloc(0)).toString('base64')
    const prior = tableStore.get(storeKey) ?? null
    if (row.value === null) tableStore.delete(storeKey)
    else tableStore.put(storeKey, row)
    next(row, prior)
  }
}
