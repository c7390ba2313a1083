import type { KafkaPorts } from '../kafka/ports.ts'

/** The generator's default seed: what a fresh topic gets, so a first run is reproducible. */
export const DEFAULT_SEED = 42

/**
 * The seed for a run without --seed: 42 while the topic is missing or empty, otherwise 42 plus the
 * records already in it, so a second run appends new transactions instead of the same ids again.
 */
export function continuationSeed(recordsInTopic: bigint): number {
  return DEFAULT_SEED + Number(recordsInTopic)
}

/** Counts the topic's records (end offsets, summed over partitions) to pick the continuation seed. */
export async function nextSeed(kafka: KafkaPorts, topic: string): Promise<number> {
  const admin = kafka.admin()
  try {
    if (!(await admin.listTopics()).includes(topic)) return DEFAULT_SEED
    const offsets = await admin.topicOffsets(topic)
    return continuationSeed(offsets.reduce((sum, p) => sum + p.high, 0n))
  } finally {
    await admin.close()
  }
}
