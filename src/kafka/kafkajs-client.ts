import kafkajs from 'kafkajs'
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka as KafkaClient,
  Message,
  Producer,
  TopicMessages,
} from 'kafkajs'
import { DipError, errorMessage } from '../shared/errors.ts'
import { chunkBySize } from './chunk-by-size.ts'
import type {
  Headers,
  KafkaLogEntry,
  KafkaLogLevel,
  KafkaPorts,
  PartitionOffsets,
  ProducedRecord,
  ProducerOptions,
  RecordBatch,
  RecordSink,
  RecordSource,
  SinkTransaction,
  SourceOptions,
  TopicAdmin,
  TopicDescription,
  TopicPartitionOffset,
  TopicSpec,
} from './ports.ts'
import { sleep } from '../shared/sleep.ts'

// kafkajs is CommonJS; its named exports are read from the default export.
const { Kafka, Partitioners, logLevel: KafkaJsLogLevel } = kafkajs

export interface KafkaClientOptions {
  readonly brokers: readonly string[]
  readonly clientId: string
  /** Least severe kafkajs message passed to `log`. Default 'warn'. */
  readonly logLevel?: KafkaLogLevel
  /** Where kafkajs messages go. Default: dropped, so commands print only their own output. */
  readonly log?: (entry: KafkaLogEntry) => void
  /** Milliseconds to wait for a broker connection. Default 5000. */
  readonly connectionTimeoutMs?: number
}

const LEVELS: Record<KafkaLogLevel, number> = {
  nothing: KafkaJsLogLevel.NOTHING,
  error: KafkaJsLogLevel.ERROR,
  warn: KafkaJsLogLevel.WARN,
  info: KafkaJsLogLevel.INFO,
  debug: KafkaJsLogLevel.DEBUG,
}

function levelName(level: number): Exclude<KafkaLogLevel, 'nothing'> {
  if (level <= KafkaJsLogLevel.ERROR) return 'error'
  if (level <= KafkaJsLogLevel.WARN) return 'warn'
  if (level <= KafkaJsLogLevel.INFO) return 'info'
  return 'debug'
}

/**
 * The Kafka ports backed by kafkajs: the only module (with the stack's health probe) that imports it;
 * kafkajs-speedups.ts replaces parts of it for the ksqlDB server.
 */
export function createKafkaPorts(options: KafkaClientOptions): KafkaPorts {
  const log = options.log ?? (() => undefined)
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 5000,
    retry: { initialRetryTime: 200, retries: 5 },
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: () => (entry) => {
      // Retries are bounded on purpose so a command fails instead of hanging on a dead broker.
      if (entry.log.message.startsWith('Limiting retries for the idempotent producer')) return
      log({ level: levelName(entry.level), source: entry.namespace, message: entry.log.message })
    },
  })
  const context = { kafka, brokers: options.brokers.join(',') }
  return {
    admin: () => createTopicAdmin(context),
    sink: (sinkOptions) => createRecordSink(context, sinkOptions ?? {}),
    source: (sourceOptions) => createRecordSource(context, sourceOptions),
  }
}

interface ClientContext {
  readonly kafka: KafkaClient
  readonly brokers: string
}

/**
 * A connection error names the brokers and the usual fix, a missing topic names the topic;
 * other errors keep kafkajs's message. kafkajs wraps the real error after its retries, so the
 * decision is made on the innermost one.
 */
function kafkaError(
  context: ClientContext,
  action: string,
  error: unknown,
  topics: readonly string[] = [],
): DipError {
  if (error instanceof DipError) return error
  const root = rootCause(error)
  const name = root instanceof Error ? root.name : ''
  if ((root as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION')
    return new DipError('DIP_KAFKA', `topic not found: ${topics.length > 0 ? topics.join(', ') : action}`, {
      hint: 'create the topic first (`dip produce` creates transaction_log; ksqlDB creates its sinks) or check the name',
      cause: error,
    })
  const unreachable =
    name === 'KafkaJSConnectionError' ||
    name === 'KafkaJSBrokerNotFound' ||
    /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection timeout/i.test(errorMessage(root))
  if (unreachable)
    return new DipError('DIP_KAFKA', `cannot reach Kafka at ${context.brokers} (${action})`, {
      hint: 'start the stack with `dip up`, or point kafka.brokers (DIP_KAFKA_BROKERS) at a running broker',
      cause: error,
    })
  return new DipError('DIP_KAFKA', `Kafka ${action} failed: ${errorMessage(root)}`, { cause: error })
}

function rootCause(error: unknown): unknown {
  let current = error
  for (let depth = 0; depth < 10; depth++) {
    const next = (current as { cause?: unknown } | null)?.cause
    if (next === undefined || next === null || next === current) return current
    current = next
  }
  return current
}

/** Connects once, on first use; later calls share the same connection. */
function lazyConnect<T extends { connect(): Promise<void> }>(client: T): () => Promise<T> {
  let connected: Promise<T> | undefined
  return () => {
    connected ??= client.connect().then(
      () => client,
      (error: unknown) => {
        connected = undefined
        throw error
      },
    )
    return connected
  }
}

function createTopicAdmin(context: ClientContext): TopicAdmin {
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

function createRecordSink(context: ClientContext, options: ProducerOptions): RecordSink {
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

function groupByTopic(offsets: readonly TopicPartitionOffset[]) {
  const byTopic = new Map<string, { partition: number; offset: string }[]>()
  for (const { topic, partition, offset } of offsets) {
    const partitions = byTopic.get(topic) ?? []
    if (partitions.length === 0) byTopic.set(topic, partitions)
    partitions.push({ partition, offset: offset.toString() })
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }))
}

const FETCH_MAX_WAIT_MS = 500
/** Batches handed to the caller and not yet done while kafkajs fetches the next ones. */
const DELIVERIES_IN_FLIGHT = 2
const FETCH_MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024
const FETCH_MAX_BYTES = 16 * 1024 * 1024

function createRecordSource(context: ClientContext, options: SourceOptions): RecordSource {
  let consumer: Consumer | undefined
  let running = false

  return {
    async run({ topics, startAt = [], signal, eachBatch }) {
      if (running) throw new DipError('DIP_INTERNAL', 'RecordSource.run is already running')
      if (signal.aborted) return
      running = true
      const client = context.kafka.consumer({
        groupId: options.groupId,
        readUncommitted: options.isolation === 'read_uncommitted',
        allowAutoTopicCreation: false,
        // A fetch at the end of the log waits this long for new records, and stopping the consumer
        // waits for that fetch: kafkajs's 5 s made every run that caught up end 5 s late. 500 ms
        // is the Java client's default (fetch.max.wait.ms); batch readers pass less.
        maxWaitTimeInMs: options.maxWaitMs ?? FETCH_MAX_WAIT_MS,
        // Bigger fetches mean fewer, bigger batches for the sinks (one MySQL transaction or one
        // lake file each); still bounded, so memory stays flat.
        maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
        maxBytes: FETCH_MAX_BYTES,
      })
      consumer = client
      let failure: unknown
      let stop: () => void = () => undefined
      const stopped = new Promise<void>((resolve) => (stop = resolve))
      const onAbort = () => stop()
      signal.addEventListener('abort', onAbort, { once: true })

      // startAt positions are sought on every group join until the partition delivers its first
      // batch: the join event fires before the first fetch (no batch from the old position can
      // slip through), and a consumer restarted by kafkajs after a crash joins, and seeks, again.
      const pendingStart = new Map(startAt.map((entry) => [`${entry.topic}\u0000${entry.partition}`, entry]))
      client.on(client.events.GROUP_JOIN, () => {
        for (const { topic, partition, offset } of pendingStart.values())
          client.seek({ topic, partition, offset: offset.toString() })
      })

      // Every delivery (fetched batches and the progress-only ones below) runs through one queue,
      // so eachBatch never overlaps itself and each partition's batches arrive in offset order.
      let deliveries: Promise<void> = Promise.resolve()
      const inFlight: Promise<void>[] = []
      const deliver = (batch: RecordBatch): Promise<void> => {
        pendingStart.delete(`${batch.topic}\u0000${batch.partition}`)
        const next = deliveries.then(async () => {
          if (failure !== undefined || signal.aborted) return
          try {
            await eachBatch(batch)
          } catch (error) {
            failure = error
            stop()
          }
        })
        deliveries = next
        return next
      }

      // A fetch holding only transaction markers or aborted records never reaches eachBatch in
      // kafkajs, but the position moves past it; report it so callers can tell they caught up.
      client.on(client.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize !== 0) return
        void deliver({
          topic: payload.topic,
          partition: payload.partition,
          records: [],
          highWatermark: BigInt(payload.highWatermark),
          nextOffset: BigInt(payload.lastOffset) + 1n,
        })
      })
      client.on(client.events.CRASH, ({ payload }) => {
        if (payload.restart) return
        failure ??= kafkaError(context, `consume ${topics.join(', ')}`, payload.error, topics)
        stop()
      })

      try {
        await client.connect()
        await client.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? false })
        await client.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload: EachBatchPayload) => {
            const { batch } = payload
            if (failure !== undefined || signal.aborted || !payload.isRunning() || payload.isStale()) return
            const delivered = deliver({
              topic: batch.topic,
              partition: batch.partition,
              records: batch.messages.map((message) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: BigInt(message.offset),
                timestamp: Number(message.timestamp),
                key: message.key,
                value: message.value,
                headers: toHeaders(message.headers),
              })),
              highWatermark: BigInt(batch.highWatermark),
              nextOffset: BigInt(batch.lastOffset()) + 1n,
            })
            // kafkajs fetches again only when eachBatch returns: waiting for the batch before this
            // one instead of this one lets the broker and the network work on the next fetch while
            // the caller still handles this batch. The offset is resolved now (it only tells kafkajs
            // where to fetch next; callers keep their own positions), and deliveries stay in order.
            const last = batch.messages.at(-1)
            if (last !== undefined) payload.resolveOffset(last.offset)
            inFlight.push(delivered)
            if (inFlight.length > DELIVERIES_IN_FLIGHT) await inFlight.shift()
            if (failure !== undefined || signal.aborted) return
            await payload.heartbeat()
          },
        })
        await stopped
      } catch (error) {
        failure ??= kafkaError(context, `consume ${topics.join(', ')}`, error, topics)
      } finally {
        signal.removeEventListener('abort', onAbort)
        await client.disconnect().catch(() => undefined)
        await deliveries
        consumer = undefined
        running = false
      }
      if (failure !== undefined) throw failure
    },

    async commit(offsets) {
      if (offsets.length === 0) return
      try {
        if (consumer !== undefined && running) {
          await consumer.commitOffsets(
            offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() })),
          )
          return
        }
        await commitWithoutMembership(context, options.groupId, offsets)
      } catch (error) {
        throw kafkaError(context, `commit offsets of group ${options.groupId}`, error)
      }
    },

    close: async () => {
      await consumer?.disconnect()
    },
  }
}

/**
 * Commits a group's offsets without joining it, in one small Kafka transaction (TxnOffsetCommit,
 * the way a read-process-write job commits). kafkajs's admin.setOffsets joins the group with a
 * consumer per topic and leaves after a full fetch wait (5 s a topic: two minutes for the lab's
 * 23 topics). The broker accepts it while the group has no members. One transactional id per
 * group, so a commit interrupted by a crash is aborted by the next one.
 */
async function commitWithoutMembership(
  context: ClientContext,
  groupId: string,
  offsets: readonly TopicPartitionOffset[],
): Promise<void> {
  const producer = context.kafka.producer({
    transactionalId: `dip-offsets-${groupId}`,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  })
  await producer.connect()
  try {
    const tx = await producer.transaction()
    try {
      await tx.sendOffsets({ consumerGroupId: groupId, topics: groupByTopic(offsets) })
      await tx.commit()
    } catch (error) {
      await tx.abort().catch(() => undefined)
      throw error
    }
  } finally {
    await producer.disconnect()
  }
  await untilVisible(context, groupId, offsets)
}

const COMMIT_VISIBLE_TIMEOUT_MS = 10_000

/**
 * The commit returns before the coordinator has written the transaction's markers, and until then
 * the group's offsets read as before. Wait until they show, so a reader right after (a test, a lag
 * check, the next run) sees them; after the timeout the commit still stands, it is only not visible yet.
 */
async function untilVisible(
  context: ClientContext,
  groupId: string,
  offsets: readonly TopicPartitionOffset[],
): Promise<void> {
  const admin = context.kafka.admin()
  await admin.connect()
  try {
    const wanted = new Map(offsets.map((o) => [`${o.topic}\u0000${o.partition}`, o.offset.toString()]))
    const topics = [...new Set(offsets.map((o) => o.topic))]
    const deadline = Date.now() + COMMIT_VISIBLE_TIMEOUT_MS
    for (;;) {
      const found = await admin.fetchOffsets({ groupId, topics })
      const visible = found.every(({ topic, partitions }) =>
        partitions.every(({ partition, offset }) => {
          const expected = wanted.get(`${topic}\u0000${partition}`)
          return expected === undefined || expected === offset
        }),
      )
      if (visible || Date.now() >= deadline) return
      await sleep(20)
    }
  } finally {
    await admin.disconnect()
  }
}

/** Shared by every record without headers (most): one object less per record. */
const NO_HEADERS: Headers = Object.freeze({})

function toHeaders(headers: IHeaders | undefined): Headers {
  let empty = true
  for (const _ in headers) {
    empty = false
    break
  }
  if (empty) return NO_HEADERS
  const result: Record<string, Buffer> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue
    const first = Array.isArray(value) ? value[0] : value
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first : Buffer.from(first)
  }
  return result
}
