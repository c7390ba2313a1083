/** The TopicAdmin port over kafkajs's admin client. */
import type { Admin } from 'kafkajs'
import { DipError } from '../shared/errors.ts'
import { sleep } from '../shared/sleep.ts'
import type {
  PartitionOffsets,
  TopicAdmin,
  TopicDescription,
  TopicPartitionOffset,
  TopicSpec,
} from './ports.ts'
import type { ClientContext } from './kafkajs-context.ts'
import { kafkaError, lazyConnect } from './kafkajs-context.ts'

export function createTopicAdmin(context: ClientContext): TopicAdmin {
  const client: Admin = context.kafka.admin()
  const connect = lazyConnect(client)
  const run = async <T>(
    action: string,
    work: (admin: Admin) => Promise<T>,
    topics: readonly string[] = [],
  ): Promise<T> => {
    try {
      return await work(await connect())
    } catch (error) {
      throw kafkaError(context, action, error, topics)
    }
  }

  return {
    clusterId: () => run('describe cluster', async (admin) => (await admin.describeCluster()).clusterId),
    listTopics: () => run('list topics', (admin) => admin.listTopics()),
    describeTopics: (names) =>
      run('describe topics', async (admin): Promise<TopicDescription[]> => {
        if (names.length === 0) return []
        const missing = await missingTopics(admin, names)
        if (missing.length > 0)
          throw new DipError('DIP_KAFKA', `topic not found: ${missing.join(', ')}`, {
            hint: 'create it first (dip produce creates transaction_log) or check the name',
          })
        const { topics } = await admin.fetchTopicMetadata({ topics: [...names] })
        return topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.length,
          replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
        }))
      }),
    createTopics: (specs) =>
      run('create topics', async (admin) => {
        const existing = new Set(await admin.listTopics())
        const wanted = specs.filter((spec) => !existing.has(spec.name))
        if (wanted.length === 0) return []
        await admin.createTopics({ topics: wanted.map(toTopicConfig), waitForLeaders: false })
        const names = wanted.map((spec) => spec.name)
        await waitForLeaders(admin, names)
        return names
      }),
    deleteTopics: (names) =>
      run('delete topics', async (admin) => {
        const existing = new Set(await admin.listTopics())
        const present = names.filter((name) => existing.has(name))
        if (present.length > 0) await admin.deleteTopics({ topics: present })
      }),
    topicOffsets: (topic) =>
      run(
        `read offsets of ${topic}`,
        async (admin): Promise<PartitionOffsets[]> => {
          const offsets = await admin.fetchTopicOffsets(topic)
          return offsets
            .map((entry) => ({
              partition: entry.partition,
              low: BigInt(entry.low),
              high: BigInt(entry.high),
            }))
            .sort((a, b) => a.partition - b.partition)
        },
        [topic],
      ),
    groupOffsets: (groupId, topic) =>
      run(
        `read offsets of group ${groupId}`,
        async (admin): Promise<TopicPartitionOffset[]> => {
          const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] })
          return (entry?.partitions ?? [])
            .filter((partition) => BigInt(partition.offset) >= 0n)
            .map((partition) => ({ topic, partition: partition.partition, offset: BigInt(partition.offset) }))
            .sort((a, b) => a.partition - b.partition)
        },
        [topic],
      ),
    close: () => client.disconnect(),
  }
}

const TOPIC_READY_TIMEOUT_MS = 30_000

/**
 * kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
 * until its metadata cache has caught up with the controller; wait for every partition's leader.
 */
async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] })
      const ready = topics.every((name) => {
        const partitions = found.find((topic) => topic.name === name)?.partitions ?? []
        return partitions.length > 0 && partitions.every((partition) => partition.leader >= 0)
      })
      if (ready) return
    } catch (error) {
      if (!isRetriable(error) || Date.now() >= deadline) throw error
    }
    if (Date.now() >= deadline)
      throw new DipError(
        'DIP_KAFKA',
        `topics ${topics.join(', ')} have no leader after ${TOPIC_READY_TIMEOUT_MS / 1000} s`,
      )
    await sleep(100)
  }
}

const METADATA_LAG_TYPES = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
])

/**
 * kafkajs wraps the broker's error in KafkaJSNonRetriableError once its own retries are spent, so the
 * cause chain is searched too: a topic the broker does not know yet is metadata lag, not a failure.
 */
function isRetriable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const fields = current as { retriable?: unknown; type?: unknown; cause?: unknown }
    if (fields.retriable === true) return true
    if (typeof fields.type === 'string' && METADATA_LAG_TYPES.has(fields.type)) return true
    current = fields.cause
  }
  return false
}

async function missingTopics(admin: Admin, names: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics())
  return names.filter((name) => !existing.has(name))
}

function toTopicConfig(spec: TopicSpec) {
  return {
    topic: spec.name,
    numPartitions: spec.partitions ?? 1,
    replicationFactor: spec.replicationFactor ?? 1,
    configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
  }
}
