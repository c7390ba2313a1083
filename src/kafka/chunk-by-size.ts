import type { ProducedRecord } from './ports.ts'

/**
 * kafkajs puts all of a call's records for one partition into one record batch, and the broker
 * refuses batches over message.max.bytes (1 MiB by default): large sends go out in slices.
 */
export const MAX_SEND_BYTES = 512 * 1024
const RECORD_OVERHEAD_BYTES = 70

export function chunkBySize(
  records: readonly ProducedRecord[],
  maxBytes = MAX_SEND_BYTES,
): ProducedRecord[][] {
  const chunks: ProducedRecord[][] = []
  let current: ProducedRecord[] = []
  let size = 0
  for (const record of records) {
    const bytes = recordBytes(record)
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current)
      current = []
      size = 0
    }
    current.push(record)
    size += bytes
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

function recordBytes(record: ProducedRecord): number {
  const length = (value: Buffer | string | null) =>
    value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length
  let headers = 0
  for (const [name, value] of Object.entries(record.headers ?? {})) headers += name.length + value.length
  return RECORD_OVERHEAD_BYTES + length(record.key) + length(record.value) + headers
}
