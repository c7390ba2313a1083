/**
 * The slice of a Kafka client that dip uses. Commands depend on these ports only; the one file
 * importing the client library is src/kafka/kafkajs-client.ts, so the library can be swapped.
 */

export type Headers = Readonly<Record<string, Buffer>>

/** A record as read from a topic. Keys and values are raw bytes; null value = tombstone. */
export interface ConsumedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  /** Record timestamp, epoch ms. */
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Headers
}

/** A record to produce. Partition is chosen by the key's hash (Kafka's default) when omitted. */
export interface ProducedRecord {
  readonly topic: string
  readonly key: Buffer | string | null
  readonly value: Buffer | string | null
  readonly partition?: number
  readonly timestamp?: number
  readonly headers?: Headers
}

export interface TopicSpec {
  readonly name: string
  readonly partitions?: number
  readonly replicationFactor?: number
  readonly config?: Readonly<Record<string, string>>
}

export interface TopicDescription {
  readonly name: string
  readonly partitions: number
  readonly replicationFactor: number
}

export interface PartitionOffsets {
  readonly partition: number
  /** First offset still on the broker. */
  readonly low: bigint
  /**
   * The end of what a read_committed reader can read: the last stable offset, which is the high
   * watermark (past the last transaction marker) once no transaction is open. A commit returns
   * before its markers are written, so right after one this can briefly lag behind.
   */
  readonly high: bigint
}

export interface TopicPartitionOffset {
  readonly topic: string
  readonly partition: number
  /** The next offset to read. */
  readonly offset: bigint
}

export interface TopicAdmin {
  clusterId(): Promise<string>
  listTopics(): Promise<string[]>
  describeTopics(names: readonly string[]): Promise<TopicDescription[]>
  /** Creates the topics that do not exist yet; returns the names it created. */
  createTopics(topics: readonly TopicSpec[]): Promise<string[]>
  deleteTopics(names: readonly string[]): Promise<void>
  topicOffsets(topic: string): Promise<PartitionOffsets[]>
  /** Committed offsets of a consumer group on one topic (partitions without a commit are absent). */
  groupOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]>
  close(): Promise<void>
}

export interface ProducerOptions {
  /** Idempotent producer, acks=all. Default true. */
  readonly idempotent?: boolean
  /** Set to use transactions (exactly-once read-process-write). */
  readonly transactionalId?: string
}

export interface RecordSink {
  send(records: readonly ProducedRecord[]): Promise<void>
  /** Runs `work` in one Kafka transaction; commits when it resolves, aborts when it throws. */
  transaction<T>(work: (tx: SinkTransaction) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export interface SinkTransaction {
  send(records: readonly ProducedRecord[]): Promise<void>
  /** Commits consumer offsets as part of the transaction. */
  sendOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>
}

export interface SourceOptions {
  readonly groupId: string
  /** read_committed (default) hides aborted transactional writes. */
  readonly isolation?: 'read_committed' | 'read_uncommitted'
  /** Where to start when the group has no committed offset. */
  readonly fromBeginning?: boolean
  /**
   * How long a fetch at the end of the log waits for new records; default 500 ms. Stopping waits
   * for the fetch in flight, so readers that stop once they reach the end (batch runs) pass
   * BATCH_FETCH_WAIT_MS: while a backlog is read, fetches return at once whatever the wait.
   */
  readonly maxWaitMs?: number
}

/** The fetch wait of batch readers: stopping at the end costs at most this. */
export const BATCH_FETCH_WAIT_MS = 100

export interface RecordBatch {
  readonly topic: string
  readonly partition: number
  readonly records: readonly ConsumedRecord[]
  /** The partition's high watermark when the batch was fetched. */
  readonly highWatermark: bigint
  /**
   * Where this partition resumes after the batch: past the last record and past any transaction
   * markers or aborted records that followed it. Commit this, and compare it with
   * `topicOffsets().high` to know when a partition is caught up. `records` is empty when a fetch
   * held only markers or aborted records: such a batch only moves `nextOffset`.
   */
  readonly nextOffset: bigint
}

export interface RecordSource {
  /**
   * Reads `topics` batch by batch until `signal` aborts, then leaves the group and resolves.
   * `startAt` overrides the group's committed position per partition (e.g. a position recovered
   * from the lake's file names). Nothing is committed unless the caller commits. If `eachBatch`
   * throws, reading stops and `run` rejects with that error (the batch is not retried).
   */
  run(options: {
    readonly topics: readonly string[]
    readonly startAt?: readonly TopicPartitionOffset[]
    readonly signal: AbortSignal
    readonly eachBatch: (batch: RecordBatch) => Promise<void>
  }): Promise<void>
  /**
   * Commits the group's next offsets: while running as a group member; otherwise without joining
   * the group (a small transaction; the group must have no members).
   */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>
  close(): Promise<void>
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug'

/** A message from the client library, routed to the caller instead of the terminal. */
export interface KafkaLogEntry {
  readonly level: Exclude<KafkaLogLevel, 'nothing'>
  /** The library's component, e.g. 'Consumer'. */
  readonly source: string
  readonly message: string
}

export interface KafkaPorts {
  admin(): TopicAdmin
  sink(options?: ProducerOptions): RecordSink
  source(options: SourceOptions): RecordSource
}
