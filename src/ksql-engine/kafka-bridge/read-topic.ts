import type { ConsumedRecord, KafkaPorts } from '../../kafka/ports.ts'

/** Reads a topic from its beginning to its current end (read_committed), then stops. */
export async function readWholeTopic(
  ports: KafkaPorts,
  topic: string,
  groupId: string,
): Promise<ConsumedRecord[]> {
  const admin = ports.admin()
  let offsets
  try {
    offsets = await admin.topicOffsets(topic)
  } finally {
    await admin.close()
  }
  const pending = new Map(offsets.filter((o) => o.high > o.low).map((o) => [o.partition, o.high]))
  if (pending.size === 0) return []
  const records: ConsumedRecord[] = []
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
        records.push(...batch.records.filter((r) => r.offset < end))
        if (batch.nextOffset >= end) pending.delete(batch.partition)
        if (pending.size === 0) controller.abort()
        await Promise.resolve()
      },
    })
  } finally {
    await source.close()
  }
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))
}
