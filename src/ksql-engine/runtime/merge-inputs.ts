import type { StoredRecord } from './in-memory-topics.ts'

/**
 * Held records of several input topics in the order a stream task would pick them: by timestamp,
 * earlier topics first on ties (a join's table side is listed first, so a stream record sees the
 * table row of the same time), each topic's own order kept.
 */
export function mergeByTimestamp(inputs: readonly (readonly StoredRecord[])[]): StoredRecord[] {
  if (inputs.length === 1) return [...(inputs[0] ?? [])]
  const positions = inputs.map(() => 0)
  const merged: StoredRecord[] = []
  for (;;) {
    let pick = -1
    for (let i = 0; i < inputs.length; i++) {
      const record = inputs[i]?.[positions[i] ?? 0]
      if (record === undefined) continue
      const best = pick < 0 ? undefined : inputs[pick]?.[positions[pick] ?? 0]
      if (best === undefined || record.timestamp < best.timestamp) pick = i
    }
    if (pick < 0) return merged
    merged.push(inputs[pick]?.[positions[pick] ?? 0] as StoredRecord)
    positions[pick] = (positions[pick] ?? 0) + 1
  }
}
