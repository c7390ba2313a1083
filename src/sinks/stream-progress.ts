import type { TopicAdmin } from '../kafka/ports.ts'
import { errorMessage } from '../shared/errors.ts'

/**
 * The periodic status of a streaming sink: a line every `everyMs` with the records taken, the rate
 * since the last line and the lag (records on the broker not yet sunk), a warning when the broker
 * stops answering and a line when it answers again. The lag query is the broker probe: a sink's
 * consumer retries in silence for a long time, so without it an outage looks like a quiet topic.
 */
export interface StreamProgress {
  /** Called often (e.g. every second): prints when a line is due; never runs twice at once. */
  tick(): Promise<void>
  /** The sink is stopping: a tick still waiting on the broker prints nothing (its admin is closing). */
  stop(): void
}

export interface StreamProgressOptions {
  /** `lake`, `warehouse`: starts every line. */
  readonly label: string
  readonly everyMs: number
  /** Records taken so far (a running total). */
  readonly records: () => number
  /** Records behind the end of the topics; throws when the broker does not answer. */
  readonly lag: () => Promise<bigint>
  readonly print: (line: string) => void
  readonly warn: (line: string) => void
  readonly now?: () => number
}

export function createStreamProgress(options: StreamProgressOptions): StreamProgress {
  const now = options.now ?? Date.now
  let lastAt = now()
  let lastRecords = options.records()
  let downSince: number | null = null
  let running = false
  let stopped = false
  const count = (n: number | bigint) => n.toLocaleString('en-US')

  return {
    async tick() {
      const at = now()
      if (stopped || running || at - lastAt < options.everyMs) return
      running = true
      try {
        let lag: bigint
        try {
          lag = await options.lag()
        } catch (error) {
          if (stopped) return
          if (downSince === null) {
            downSince = at
            options.warn(
              `${options.label}: the Kafka broker does not answer (${errorMessage(error)}); still running, retrying — everything read so far is kept`,
            )
          }
          lastAt = now()
          lastRecords = options.records()
          return
        }
        if (stopped) return
        const answeredAt = now()
        if (downSince !== null) {
          options.print(
            `${options.label}: the Kafka broker answers again after ${seconds(answeredAt - downSince)}; continuing`,
          )
          downSince = null
        }
        const records = options.records()
        const rate = Math.round(((records - lastRecords) * 1000) / Math.max(answeredAt - lastAt, 1))
        options.print(
          `${options.label}: ${count(records)} records so far, ${count(rate)} records/s over the last ${seconds(answeredAt - lastAt)}, lag ${count(lag)}`,
        )
        lastAt = answeredAt
        lastRecords = records
      } finally {
        running = false
      }
    },
    stop() {
      stopped = true
    },
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`
}

/**
 * Records behind on `topics`: each partition's end offset minus the position, where `position`
 * gives none for a partition not read yet (then its first offset counts).
 */
export async function topicsLag(
  admin: Pick<TopicAdmin, 'topicOffsets'>,
  topics: readonly string[],
  position: (topic: string, partition: number) => bigint | undefined,
): Promise<bigint> {
  let lag = 0n
  for (const topic of topics) {
    for (const { partition, low, high } of await admin.topicOffsets(topic)) {
      const at = position(topic, partition) ?? low
      if (high > at) lag += high - at
    }
  }
  return lag
}

/**
 * Records of `topics` not yet sunk: from `written` (positions this run stored), else from the
 * group's committed offsets, else the whole partition.
 */
export async function groupLag(
  admin: Pick<TopicAdmin, 'topicOffsets' | 'groupOffsets'>,
  group: string,
  topics: readonly string[],
  written: (topic: string, partition: number) => bigint | undefined = () => undefined,
): Promise<bigint> {
  let lag = 0n
  for (const topic of topics) {
    const committed = new Map((await admin.groupOffsets(group, topic)).map((o) => [o.partition, o.offset]))
    lag += await topicsLag(
      admin,
      [topic],
      (_topic, partition) => written(topic, partition) ?? committed.get(partition),
    )
  }
  return lag
}
