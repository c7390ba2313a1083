/** The RecordSink port over kafkajs's producer: idempotent sends and transactions. */
import kafkajs from 'kafkajs'
import type { Message, Producer, TopicMessages } from 'kafkajs'
import { DipError } from '../shared/errors.ts'
import { chunkBySize } from './chunk-by-size.ts'
import type {
  ProducedRecord,
  ProducerOptions,
  RecordSink,
  SinkTransaction,
  TopicPartitionOffset,
} from './ports.ts'
import type { ClientContext } from './kafkajs-context.ts'
import { kafkaError, rootCause, lazyConnect } from './kafkajs-context.ts'

const { Partitioners } = kafkajs

export function createRecordSink(context: ClientContext, options: ProducerOptions): RecordSink {
  const transactional = options.transactionalId !== undefined
  const newProducer = (): Producer =>
    context.kafka.producer({
      // Java's murmur2 partitioner, so keys land where ksqlDB and Java clients expect them.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: transactional || (options.idempotent ?? true),
      // kafkajs keeps ordering under retries for idempotent producers only with one request in flight.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      ...(transactional ? { transactionalId: options.transactionalId } : {}),
    })
  let producer = newProducer()
  let connect = lazyConnect(producer)
  /**
   * kafkajs keeps every topic a producer ever wrote in the topics it refreshes metadata for, and
   * fails every later send once one of them is deleted (tulios/kafkajs#1622). After an unknown-topic
   * error the next call gets a fresh producer (same transactional id: it fences the old one), whose
   * metadata holds only the topics it writes from then on.
   */
  const renewAfter = async (error: unknown): Promise<void> => {
    if ((rootCause(error) as { type?: unknown }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') return
    const stale = producer
    producer = newProducer()
    connect = lazyConnect(producer)
    await stale.disconnect().catch(() => undefined)
  }
  // A transactional producer runs one transaction at a time; callers may overlap, so queue them.
  let queue: Promise<unknown> = Promise.resolve()

  return {
    async send(records) {
      if (records.length === 0) return
      try {
        const client = await connect()
        for (const chunk of chunkBySize(records))
          await client.sendBatch({ topicMessages: toTopicMessages(chunk), acks: -1 })
      } catch (error) {
        await renewAfter(error)
        throw kafkaError(context, `send to ${topicNames(records)}`, error, topicList(records))
      }
    },
    transaction<T>(work: (tx: SinkTransaction) => Promise<T>): Promise<T> {
      if (!transactional)
        return Promise.reject(
          new DipError('DIP_INTERNAL', 'RecordSink.transaction needs a sink created with a transactionalId'),
        )
      const next = queue.then(async () => {
        let client: Producer
        try {
          client = await connect()
        } catch (error) {
          throw kafkaError(context, 'connect the transactional producer', error)
        }
        const tx = await client.transaction()
        try {
          const result = await work({
            send: async (records) => {
              for (const chunk of chunkBySize(records))
                await tx.sendBatch({ topicMessages: toTopicMessages(chunk), acks: -1 })
            },
            sendOffsets: async (groupId, offsets) => {
              await tx.sendOffsets({ consumerGroupId: groupId, topics: groupByTopic(offsets) })
            },
          })
          await tx.commit()
          return result
        } catch (error) {
          // The transaction may already be unusable (e.g. fenced); the original error matters more.
          await tx.abort().catch(() => undefined)
          await renewAfter(error)
          throw error instanceof Error && error.name.startsWith('KafkaJS')
            ? kafkaError(context, 'transaction', error)
            : error
        }
      })
      queue = next.catch(() => undefined)
      return next
    },
    close: async () => {
      await queue
      await producer.disconnect()
    },
  }
}

function topicList(records: readonly ProducedRecord[]): string[] {
  return [...new Set(records.map((record) => record.topic))]
}

function topicNames(records: readonly ProducedRecord[]): string {
  return topicList(records).join(', ')
}

function toTopicMessages(records: readonly ProducedRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>()
  for (const record of records) {
    const messages = byTopic.get(record.topic) ?? []
    if (messages.length === 0) byTopic.set(record.topic, messages)
    messages.push({
      key: record.key,
      value: record.value,
      ...(record.partition === undefined ? {} : { partition: record.partition }),
      ...(record.timestamp === undefined ? {} : { timestamp: String(record.timestamp) }),
      ...(record.headers === undefined ? {} : { headers: { ...record.headers } }),
    })
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }))
}

export function groupByTopic(offsets: readonly TopicPartitionOffset[]) {
  const byTopic = new Map<string, { partition: number; offset: string }[]>()
  for (const { topic, partition, offset } of offsets) {
    const partitions = byTopic.get(topic) ?? []
    if (partitions.length === 0) byTopic.set(topic, partitions)
    partitions.push({ partition, offset: offset.toString() })
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }))
}
