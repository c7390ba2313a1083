import type { KafkaPorts } from '../../../kafka/ports.ts'
import type { TopicTail } from './print-topic.ts'

/**
 * PRINT on the broker: a consumer of its own (no group commits) assigned every partition, from the
 * low offsets (FROM BEGINNING) or the current ends. It reads committed records only, so the
 * output of a transaction still open or aborted never shows.
 */
export function kafkaTopicTail(ports: KafkaPorts, groupPrefix: string): TopicTail {
  let n = 0
  return async (topic, options, onBatch, signal) => {
    const admin = ports.admin()
    let offsets
    try {
      offsets = await admin.topicOffsets(topic)
    } finally {
      await admin.close()
    }
    if (signal.aborted) return
    options.onReady()
    const source = ports.source({
      groupId: `${groupPrefix}_print_${process.pid}_${Date.now().toString(36)}_${n++}`,
      isolation: 'read_committed',
    })
    try {
      await source.run({
        topics: [topic],
        startAt: offsets.map((o) => ({
          topic,
          partition: o.partition,
          offset: options.fromBeginning ? o.low : o.high,
        })),
        signal,
        eachBatch: (batch) => {
          if (batch.records.length > 0)
            onBatch(
              batch.records.map((r) => ({
                partition: r.partition,
                timestamp: r.timestamp,
                key: r.key,
                value: r.value,
              })),
            )
          return Promise.resolve()
        },
      })
    } finally {
      await source.close()
    }
  }
}
