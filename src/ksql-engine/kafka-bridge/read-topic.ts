import type { ConsumedRecord, KafkaPorts } from '../../kafka/ports.ts'

/** Reads a topic from its beginning to its current end (read_committed), then stops. */
export async function readWholeTopic(
  ports: KafkaPorts,
  topic: string,
  groupId: string,
): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = []
  await readTopicUpTo(ports, topic, groupId, null, (batch) => {
    records.push(...batch)
  })
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))
}

/**
 * Reads a topic from its beginning (read_committed) batch by batch, in offset order per partition,
 * up to `ends` (per partition, exclusive; null: the current end of each partition), so a caller
 * can process a long history in bounded memory.
 */
export async function readTopicUpTo(
  ports: KafkaPorts,
  topic: string,
  groupId: string,
  ends: ReadonlyMap<number, bigint> | null,
  onBatch: (records: readonly ConsumedRecord[]) => void,
): Promise<void> {
  const admin = ports.admin()
  let offsets
  try {
    offsets = await admin.topicOffsets(topic)
  } finally {
    await admin.close()
  }
  const pending = new Map<number, bigint>()
  for (const o of offsets) {
    const end = ends === null ? o.high : (ends.get(o.partition) ?? o.low)
    if (end > o.low) pending.set(o.partition, end)
  }
  if (pending.size === 0) return
  const controller = new AbortController()
  const source = ports.source({ groupId, isolation: 'read_committed' })
  try {
    await source.run({
      topics: [topic],
      startAt: offsets.map((o) => ({ topic, partition: o.partition, offset: o.low })),
      signal: controller.signal,
      eachBatch: async (batch) => {
        const end = pending.get(batch.partition)
        if (end === undefined) return
        onBatch(batch.records.filter((r) => r.offset < end))
        if (batch.nextOffset >= end) pending.delete(batch.partition)
        if (pending.size === 0) controller.abort()
        await Promise.resolve()
      },
    })
  } finally {
    await source.close()
  }
}
