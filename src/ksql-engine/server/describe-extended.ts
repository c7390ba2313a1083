import type { Engine, EngineRecord } from '../engine-api.ts'
import type { KsqlBackend } from './ksql-backend.ts'
import { errorStatistics, TopicStatistics } from './topic-statistics.ts'

/** What DESCRIBE … EXTENDED needs beyond the engine's description: the topic as the broker has it. */
export interface TopicShape {
  readonly partitions: number
  readonly replication: number
}

type Tappable = Engine & { onAppend?(listener: (record: EngineRecord) => void): () => void }

/** Counts every record the engine's topics receive, from now on (null when the engine has no tap). */
export function trackTopicStatistics(engine: Tappable): { stats: TopicStatistics; stop: () => void } | null {
  if (engine.onAppend === undefined) return null
  const stats = new TopicStatistics()
  const stop = engine.onAppend((record) =>
    stats.record(record.topic, (record.key?.length ?? 0) + (record.value?.length ?? 0)),
  )
  return { stats, stop }
}

/**
 * Fills a DESCRIBE EXTENDED sourceDescription: the topic's real partitions and replication (from
 * the backend: Kafka's metadata, or the in-memory topic), and the statistics of the queries that
 * read and write it, with the processing log's failures as errorStats.
 */
export async function extendDescription(
  description: Record<string, unknown>,
  backend: KsqlBackend,
  stats: TopicStatistics | null,
): Promise<Record<string, unknown>> {
  const topic = String(description['topic'] ?? '')
  const name = String(description['name'] ?? '')
  const shape = await backend.describeTopic?.(topic)
  const queries = backend.engine.queries().filter((q) => q.state === 'RUNNING')
  const readers = queries.filter((q) => q.sources.includes(name)).length
  const written = queries.some((q) => q.sinkTopics.includes(topic))
  const failed = backend.engine.processingLog().filter((e) => e.topic === topic).length
  return {
    ...description,
    partitions: shape?.partitions ?? description['partitions'],
    replication: shape?.replication ?? description['replication'],
    statistics: stats?.statistics(topic, readers, written) ?? '',
    errorStats: errorStatistics(failed),
  }
}
