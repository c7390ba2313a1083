import type {
  ConsumedRecord,
  KafkaPorts,
  ProducedRecord,
  RecordBatch,
  TopicPartitionOffset,
} from '../../kafka/ports.ts'
import { errorMessage } from '../../shared/errors.ts'
import type { OffsetRecord, StatementResult } from '../engine-api.ts'
import type { EmbeddedEngine } from '../engine.ts'
import { EngineError } from '../engine-error.ts'
import type { AcceptedRequest, KsqlBackend } from '../server/ksql-backend.ts'
import {
  commandTopicName,
  decodeCommand,
  decodeLatestStarts,
  encodeCommand,
  replayableSql,
} from './command-log.ts'
import { collectEngineOutput } from './engine-output.ts'
import { readTopicUpTo, readWholeTopic } from './read-topic.ts'
import { kafkaTopicTail } from '../server/print/kafka-topic-tail.ts'

/** First pause before the consumer reconnects after Kafka failed; doubles up to the max. */
const CONSUME_RETRY_MS = 500
const MAX_CONSUME_RETRY_MS = 5000

/** How long the engine works on a batch before it lets I/O (a commit in flight, requests) run. */
const YIELD_EVERY_MS = 2
/**
 * How often the input topics are checked to still exist: the consumer does not fail when one is
 * deleted (kafkajs retries it forever), it just stops delivering, for every query.
 */
const INPUT_CHECK_EVERY_MS = 2000
/** How often (100 ms apart) a deleted topic is looked for before DROP … DELETE TOPIC answers. */
const DELETION_CHECKS = 100

export interface KafkaBackendOptions {
  readonly engine: EmbeddedEngine
  readonly ports: KafkaPorts
  readonly serviceId: string
  readonly log?: (message: string) => void
  /** Called when Kafka keeps refusing a transaction: the server must stop (a restart rebuilds). */
  readonly onFatal?: (error: unknown) => void
  /** A quicker view of the broker than the clients' retries (see broker-watch.ts). */
  readonly brokerReachable?: () => boolean
}

export interface KafkaBackend extends KsqlBackend {
  /** Replays the command topic, then starts moving records between Kafka and the engine. */
  start(): Promise<{ replayedCommands: number }>
  stop(): Promise<void>
}

/**
 * Runs the in-process engine on a real broker.
 *
 * - Every request that changed the metastore is appended to the command topic; start() replays it.
 * - Input topics (sources no query writes) are read from their beginning. Records below the
 *   server's group's committed offsets rebuild state with sink output suppressed: that output was
 *   committed before. Past them, each batch's sink records and the group's offsets commit in one
 *   Kafka transaction (exactly-once), while the engine already works on the next batch.
 * - start() fences the transactional id first, so nothing a killed predecessor left open is read.
 * - Rows the engine itself appends to an input topic (INSERT … VALUES) are written to Kafka and
 *   skipped when they come back.
 * - Output is collected from the engine's append tap, not from its retained records, so the engine
 *   may keep as few records as its pull queries need (see startEmbeddedServer). A query created
 *   from 'earliest' over records the engine no longer holds gets them from Kafka (a backfill) and
 *   its output commits with its command.
 * - A rebuild runs every query over the whole input, except that a query created with 'latest' is
 *   deaf to the input records that came before it (the command stores where it started).
 * Limits: a backfill's output is held in memory until its one transaction commits.
 */
export function createKafkaBackend(options: KafkaBackendOptions): KafkaBackend {
  const { engine, ports, serviceId } = options
  const log = options.log ?? (() => undefined)
  const groupId = `_confluent-ksql-${serviceId}query_dip_bridge`
  const fetchGroupId = `${groupId}_fetch_${process.pid}_${Date.now().toString(36)}`
  const commandTopic = commandTopicName(serviceId)
  const sink = ports.sink({ transactionalId: `dip-ksql-${serviceId}-bridge` })
  const output = collectEngineOutput(engine, commandTopic)
  const positions = new Map<string, bigint>() // `${topic}:${partition}` → next offset to read
  const committed = new Map<string, bigint>() // offsets committed before this start: rebuild below them
  const knownKafkaTopics = new Set<string>()
  const knownQueries = new Set<string>()
  // Replayed queries created with 'latest' → the input positions they started at (see LatestStarts).
  const mutes = new Map<string, ReadonlyMap<string, bigint>>()
  let sequence = -1
  let clusterId = 'unknown'
  let healthy = false
  let stopped = false
  let run: AbortController | null = null
  let loop: Promise<void> = Promise.resolve()
  let chain: Promise<unknown> = Promise.resolve()
  let lastInputs = ''
  /** The last batch's transaction, committing while the next batch is processed. */
  let inFlight: Promise<void> = Promise.resolve()
  let failure: unknown
  /** Sink topics deleted under their queries: those queries failed, their records go nowhere. */
  const lostTopics = new Set<string>()
  let inputCheck: NodeJS.Timeout | undefined

  const exclusive = <T>(work: () => T | Promise<T>): Promise<T> => {
    const next = chain.then(work)
    chain = next.catch(() => undefined)
    return next
  }

  const sinkTopics = (): Set<string> => new Set(engine.queries().flatMap((q) => q.sinkTopics))
  const inputTopics = (): string[] => {
    const written = sinkTopics()
    return [...new Set(engine.sources().map((s) => s.topic))]
      .filter((t) => !written.has(t) && knownKafkaTopics.has(t))
      .sort()
  }
  /**
   * Commits one transaction, retrying what the broker reports as transient before anything of the
   * transaction is decided (the previous commit's markers still being written). Any other failure
   * (the broker gone, a commit whose answer was lost) may have committed it: sending the batch
   * again could write it twice, so the bridge stops and is rebuilt from the committed offsets
   * (a restart, or the server's reconnect). `anyError`: nothing is sent (the fence), retry all.
   */
  async function commitTransaction(
    work: Parameters<typeof sink.transaction>[0],
    anyError = false,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await sink.transaction(work)
        return
      } catch (error) {
        // A sink topic deleted under its query fails that query alone; the rest commits on retry.
        if (await failWritersOfMissingTopics()) continue
        if (attempt >= 10 || !(anyError || isUndecidedTransactionError(error))) {
          healthy = false
          stopped = true
          options.onFatal?.(error)
          throw error
        }
        log(`Kafka transaction failed (attempt ${attempt}): ${errorMessage(error)}; retrying`)
        // The usual cause, the previous commit's markers still being written, clears within
        // milliseconds (the Java client retries after 20 ms); anything else gets longer pauses.
        await new Promise((resolve) => setTimeout(resolve, attempt <= 2 ? 20 * attempt : 300 * attempt))
      }
    }
  }

  /**
   * After a failed transaction: the running queries whose sink topic is no longer in Kafka go to
   * ERROR (as ksqlDB's MissingTopicClassifier would have it: a USER error) and their records are
   * dropped from every later transaction. True if it found any (the transaction is worth a retry).
   */
  async function failWritersOfMissingTopics(): Promise<boolean> {
    let existing: Set<string>
    const admin = ports.admin()
    try {
      existing = new Set(await admin.listTopics())
    } catch {
      return false
    } finally {
      await admin.close().catch(() => undefined)
    }
    const missing = [...sinkTopics()].filter((t) => !existing.has(t) && !lostTopics.has(t))
    for (const topic of missing) {
      lostTopics.add(topic)
      knownKafkaTopics.delete(topic)
      for (const query of engine.queries())
        if (query.state === 'RUNNING' && query.sinkTopics.includes(topic)) {
          const errorMessage = `Sink topic ${topic} of query ${query.id} does not exist in Kafka (deleted while the query ran); the query stopped.`
          engine.failQuery(query.id, { type: 'USER', errorMessage })
          log(errorMessage)
        }
    }
    return missing.length > 0
  }

  /**
   * The running queries reading an input topic that is no longer in Kafka go to ERROR (a USER
   * error, as ksqlDB classifies a missing source topic); the consumer goes on without the topic,
   * so the other queries keep receiving records.
   */
  async function failReadersOfMissingInputs(): Promise<void> {
    const topics = inputTopics()
    if (topics.length === 0) return
    let existing: Set<string>
    const admin = ports.admin()
    try {
      existing = new Set(await admin.listTopics())
    } catch {
      return // Kafka unreachable: not a missing topic.
    } finally {
      await admin.close().catch(() => undefined)
    }
    const missing = topics.filter((t) => !existing.has(t))
    if (missing.length === 0) return
    await exclusive(() => {
      const topicOf = new Map(engine.sources().map((source) => [source.name, source.topic]))
      for (const topic of missing) {
        knownKafkaTopics.delete(topic)
        for (const query of engine.queries())
          if (query.state === 'RUNNING' && query.sources.some((name) => topicOf.get(name) === topic)) {
            const errorMessage = `Source topic ${topic} of query ${query.id} does not exist in Kafka (deleted while the query ran); the query stopped.`
            engine.failQuery(query.id, { type: 'USER', errorMessage })
            log(errorMessage)
          }
      }
    })
    restartConsumerIfInputsChanged()
  }

  /** Engine output minus the records of sink topics lost under their (failed) queries. */
  function deliverable(records: readonly ProducedRecord[]): readonly ProducedRecord[] {
    return lostTopics.size === 0 ? records : records.filter((r) => !lostTopics.has(r.topic))
  }

  async function mirrorKafkaTopics(): Promise<void> {
    const admin = ports.admin()
    try {
      const names = (await admin.listTopics()).filter((n) => !n.startsWith('_'))
      const fresh = names.filter((n) => !knownKafkaTopics.has(n) || !engine.topics().includes(n))
      if (fresh.length > 0)
        for (const topic of await admin.describeTopics(fresh)) {
          if (!engine.topics().includes(topic.name)) engine.createTopic(topic.name, topic.partitions)
          knownKafkaTopics.add(topic.name)
        }
      healthy = true
    } finally {
      await admin.close()
    }
  }

  async function createEngineTopicsInKafka(): Promise<void> {
    const missing = engine.topics().filter((t) => !knownKafkaTopics.has(t))
    if (missing.length === 0) return
    const [listing] = engine.execute('SHOW TOPICS;')
    const partitions = new Map<string, number>()
    if (listing?.kind === 'listing')
      for (const row of listing.rows as { name: string; replicaInfo: unknown[] }[])
        partitions.set(row.name, row.replicaInfo.length)
    const admin = ports.admin()
    try {
      await admin.createTopics(
        missing.map((name) => ({ name, partitions: partitions.get(name) ?? 1, replicationFactor: 1 })),
      )
      for (const name of missing) {
        knownKafkaTopics.add(name)
        lostTopics.delete(name)
      }
    } finally {
      await admin.close()
    }
  }

  /**
   * Creates the topics the request's statements would create before they run (ksqlDB's topic
   * injector does the same before a command is written): a topic Kafka refuses fails the request
   * with ksqlDB's statement error, and no query, metastore entry or command is left behind.
   */
  async function createRequestTopicsInKafka(request: AcceptedRequest): Promise<void> {
    const wanted = [
      ...engine.topicsToCreate(request.sql, {
        properties: request.properties,
        variables: request.variables,
      }),
    ].filter(([name]) => !knownKafkaTopics.has(name))
    if (wanted.length === 0) return
    const admin = ports.admin()
    try {
      for (const [name, partitions] of wanted) {
        try {
          await admin.createTopics([{ name, partitions, replicationFactor: 1 }])
        } catch (error) {
          throw new EngineError({
            kind: 'statement',
            message: `Failed to guarantee existence of topic ${name}\nCaused by: ${errorMessage(error)}`,
            statementText: request.sql,
          })
        }
        knownKafkaTopics.add(name)
        lostTopics.delete(name)
      }
    } finally {
      await admin.close()
    }
  }

  async function processBatch(batch: RecordBatch): Promise<void> {
    await exclusive(async () => {
      const key = `${batch.topic}:${batch.partition}`
      const rebuildEnd = committed.get(key) ?? -1n
      let yieldedAt = performance.now()
      for (const record of batch.records) {
        // Yield often: the previous batch's transaction sends its records one request at a time, each
        // going on only when the engine yields (yielding every 500 records, the server sat idle a
        // quarter of the engine-kafka bench); and requests, queued behind this batch, get accepted.
        if (performance.now() - yieldedAt >= YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve))
          yieldedAt = performance.now()
        }
        if (!output.isEcho(record)) {
          try {
            const input = {
              topic: record.topic,
              partition: record.partition,
              key: record.key,
              value: record.value,
              timestamp: record.timestamp,
              headers: record.headers,
            }
            const deaf = mutes.size === 0 ? null : mutedFor(key, record.offset)
            output.asInput(record.topic, () =>
              deaf === null ? engine.produce(input) : engine.produceMuted(input, deaf),
            )
          } catch (error) {
            log(`record ${record.topic}/${record.partition}@${record.offset} skipped: ${errorMessage(error)}`)
          }
        }
        // Output of records below the committed offset was committed before this start.
        if (record.offset < rebuildEnd) output.discard()
      }
      // The engine's state now includes the batch: a consumer restarted in this process goes on from here.
      positions.set(key, batch.nextOffset)
      pruneMutes()
      if (batch.nextOffset <= rebuildEnd) return
      const batchOutput = output.take(new Set(inputTopics()))
      // One commit in flight while the engine works on the next batch: the broker's round trips
      // overlap the engine's work, memory stays bounded, and transactions stay in batch order.
      await settled()
      const commit = commitTransaction(async (tx) => {
        const records = deliverable(batchOutput.records)
        if (records.length > 0) await tx.send(records)
        await tx.sendOffsets(groupId, [
          { topic: batch.topic, partition: batch.partition, offset: batch.nextOffset },
        ])
      }).then(batchOutput.written)
      inFlight = commit.catch((error: unknown) => {
        failure = error
      })
    })
  }

  /** Waits for the commit in flight; throws if it failed (the server is stopping: never skip a batch). */
  async function settled(): Promise<void> {
    await inFlight
    if (failure !== undefined) throw failure
  }

  async function startAtFor(topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    const admin = ports.admin()
    try {
      const result: TopicPartitionOffset[] = []
      for (const topic of topics) {
        const groupCommitted = await admin.groupOffsets(groupId, topic)
        for (const o of groupCommitted) {
          const key = `${topic}:${o.partition}`
          if (!positions.has(key) && !committed.has(key)) committed.set(key, o.offset)
        }
        for (const o of await admin.topicOffsets(topic)) {
          const key = `${topic}:${o.partition}`
          result.push({ topic, partition: o.partition, offset: positions.get(key) ?? o.low })
        }
      }
      return result
    } finally {
      await admin.close()
    }
  }

  /** Consumes the current input topics; restarts when a statement changes them. */
  function consumeLoop(): Promise<void> {
    let retryMs = CONSUME_RETRY_MS
    let failedSince: number | null = null
    return (async () => {
      while (!stopped) {
        const topics = inputTopics()
        const controller = new AbortController()
        run = controller
        if (topics.length === 0) {
          await new Promise<void>((resolve) =>
            controller.signal.addEventListener('abort', () => resolve(), { once: true }),
          )
          continue
        }
        // Fetching runs in a group of its own process: after a kill -9 the dead member would hold
        // the shared group's partitions for a whole session timeout. Offsets still commit (in the
        // transactions) to `groupId`, the group a restart reads them from.
        // Fetching ahead: the broker reads the next batch while the engine works on this one. A
        // batch fetched but not yet processed when the run stops is dropped, and re-read from
        // `positions` (set once a batch is processed) by the next run.
        const source = ports.source({ groupId: fetchGroupId, isolation: 'read_committed' })
        try {
          const startAt = await startAtFor(topics)
          if (!healthy && failedSince !== null)
            log(`Kafka answers again after ${secondsSince(failedSince)} s; consuming ${topics.join(', ')}`)
          healthy = true
          failedSince = null
          retryMs = CONSUME_RETRY_MS
          await source.run({ topics, startAt, signal: controller.signal, eachBatch: processBatch })
        } catch (error) {
          healthy = false
          failedSince ??= Date.now()
          log(
            `consuming ${topics.join(', ')} failed: ${errorMessage(error)}; retrying in ${retryMs / 1000} s`,
          )
          await new Promise((resolve) => setTimeout(resolve, retryMs))
          // Backoff: a broker being restarted is back in seconds, one that stays down is not hammered.
          retryMs = Math.min(retryMs * 2, MAX_CONSUME_RETRY_MS)
        } finally {
          await source.close().catch(() => undefined)
        }
      }
    })()
  }

  function restartConsumer(): void {
    run?.abort()
  }

  async function ensureCommandTopic(): Promise<void> {
    const admin = ports.admin()
    try {
      clusterId = await admin.clusterId()
      await admin.createTopics([{ name: commandTopic, partitions: 1, replicationFactor: 1 }])
    } finally {
      await admin.close()
    }
  }

  return {
    engine,
    // Requests (pull and push queries too) see what Kafka holds: the batch in flight commits first.
    exclusive: (work) =>
      exclusive(async () => {
        await inFlight
        return work()
      }),
    clusterId: () => clusterId,
    kafkaHealthy: () => healthy && (options.brokerReachable?.() ?? true),
    async start() {
      await ensureCommandTopic()
      // Fence first: this aborts a transaction a killed predecessor left open, or waits until its
      // commit is complete, so the command topic and the committed offsets read below are final.
      await commitTransaction(() => Promise.resolve(), true)
      await mirrorKafkaTopics()
      const commands = await readWholeTopic(ports, commandTopic, `${groupId}_replay`)
      for (const record of commands) {
        const request = decodeCommand(record.value)
        sequence = Number(record.offset)
        if (request === null) continue
        const sql = replayableSql(request.sql)
        if (sql.trim() === '') continue
        try {
          output.noteCaching(
            request,
            engine.execute(sql, { properties: request.properties, variables: request.variables }),
          )
        } catch (error) {
          log(`command ${record.offset} not replayed: ${errorMessage(error)}`)
        }
        for (const [queryId, at] of decodeLatestStarts(record.value)) mutes.set(queryId, at)
      }
      for (const query of engine.queries()) knownQueries.add(query.id)
      // Whatever the replay wrote was written before; sources are re-read below to rebuild state.
      output.discard()
      engine.takeBackfills()
      await createEngineTopicsInKafka()
      lastInputs = inputTopics().join(',')
      loop = consumeLoop()
      let checking = false
      inputCheck = setInterval(() => {
        if (checking || stopped) return
        checking = true
        failReadersOfMissingInputs()
          .catch((error: unknown) => log(`checking the input topics failed: ${errorMessage(error)}`))
          .finally(() => (checking = false))
      }, INPUT_CHECK_EVERY_MS)
      inputCheck.unref()
      return { replayedCommands: commands.length }
    },
    async commit(request: AcceptedRequest, results: readonly StatementResult[]) {
      const persist = results.some((r) => r.kind !== 'inserted' || r.queryId !== null)
      output.noteCaching(request, results)
      // Backfills read the engine's own topics to their end: every batch's output must be in.
      await settled()
      await createEngineTopicsInKafka()
      await runBackfills()
      const statementOutput = output.take(new Set(inputTopics()))
      // Taken once, outside the transaction's work (which may be retried).
      const starts = latestStarts()
      await commitTransaction(async (tx) => {
        if (persist)
          await tx.send([{ topic: commandTopic, key: null, value: encodeCommand(request, starts) }])
        const records = deliverable(statementOutput.records)
        if (records.length > 0) await tx.send(records)
      })
      statementOutput.written()
      if (persist) sequence++
      restartConsumerIfInputsChanged()
      return sequence
    },
    tailTopic: kafkaTopicTail(ports, groupId),
    async describeTopic(topic) {
      const admin = ports.admin()
      try {
        if (!(await admin.listTopics()).includes(topic)) return null
        const [description] = await admin.describeTopics([topic])
        return description === undefined
          ? null
          : { partitions: description.partitions, replication: description.replicationFactor }
      } finally {
        await admin.close()
      }
    },
    async readHistory(topic) {
      if (engine.holdsHistory(topic)) return undefined
      // Every batch's output must be in Kafka before an engine-written topic is read to its end.
      await settled()
      const records: OffsetRecord[] = []
      await readTopicUpTo(ports, topic, `${groupId}_pull`, consumedEnds(topic), (batch) => {
        for (const r of batch) records.push(toOffsetRecord(r))
      })
      return records
    },
    async deleteTopic(name) {
      const admin = ports.admin()
      try {
        await admin.deleteTopics([name])
        knownKafkaTopics.delete(name)
        // Deletion completes asynchronously: a statement right after this one must not see the
        // topic still listed (it would be taken for an existing one, and never created again).
        for (let i = 0; i < DELETION_CHECKS && (await admin.listTopics()).includes(name); i++)
          await new Promise((resolve) => setTimeout(resolve, 100))
      } finally {
        await admin.close()
      }
    },
    async beforeExecute(request) {
      await mirrorKafkaTopics()
      await createRequestTopicsInKafka(request)
    },
    async stop() {
      stopped = true
      clearInterval(inputCheck)
      restartConsumer()
      await loop
      await inFlight
      await sink.close()
    },
  }

  /**
   * New queries from 'earliest' whose source history the engine no longer holds read it from Kafka:
   * an input topic up to where this server has consumed it (the rest arrives through the consumer),
   * a topic the engine writes up to its end (every earlier output is committed).
   */
  async function runBackfills(): Promise<void> {
    for (const { queryId, topic } of engine.takeBackfills()) {
      let fed = 0
      await readTopicUpTo(ports, topic, `${groupId}_backfill`, consumedEnds(topic), (records) => {
        engine.backfill(queryId, records.map(toOffsetRecord))
        fed += records.length
      })
      log(`query ${queryId}: ${fed} earlier record(s) of ${topic} read from Kafka`)
    }
  }

  /**
   * How far history reads go: an input topic up to where this server has consumed it (the rest
   * arrives through the consumer); null for a topic the engine writes: up to its end.
   */
  function consumedEnds(topic: string): Map<number, bigint> | null {
    if (!inputTopics().includes(topic)) return null
    const ends = new Map<number, bigint>()
    for (const [key, offset] of positions) {
      const at = key.lastIndexOf(':')
      if (key.slice(0, at) === topic) ends.set(Number(key.slice(at + 1)), offset)
    }
    return ends
  }

  /** Queries this request created with 'latest', with the input positions they start from. */
  function latestStarts(): Map<string, ReadonlyMap<string, bigint>> {
    const starts = new Map<string, ReadonlyMap<string, bigint>>()
    for (const query of engine.queries()) {
      if (knownQueries.has(query.id)) continue
      knownQueries.add(query.id)
      if (engine.startedFromLatest(query.id)) starts.set(query.id, new Map(positions))
    }
    return starts
  }

  /** The replayed 'latest' queries that had not yet started when this record arrived. */
  function mutedFor(key: string, offset: bigint): ReadonlySet<string> | null {
    let deaf: Set<string> | null = null
    for (const [queryId, at] of mutes) {
      const start = at.get(key)
      if (start !== undefined && offset < start) (deaf ??= new Set()).add(queryId)
    }
    return deaf
  }

  /** A mute ends once every partition it names has been consumed past its start. */
  function pruneMutes(): void {
    for (const [queryId, at] of mutes)
      if ([...at].every(([key, start]) => (positions.get(key) ?? -1n) >= start)) mutes.delete(queryId)
  }

  function restartConsumerIfInputsChanged(): void {
    const current = inputTopics().join(',')
    if (current !== lastInputs) {
      lastInputs = current
      restartConsumer()
    }
  }
}

function toOffsetRecord(r: ConsumedRecord): OffsetRecord {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    key: r.key,
    value: r.value,
    timestamp: r.timestamp,
    ...(r.headers === undefined ? {} : { headers: r.headers }),
  }
}

/**
 * Failures after which the same batch may be sent again, as nothing of it was committed:
 * CONCURRENT_TRANSACTIONS (the coordinator still completes the previous transaction and refused
 * this one before it began), and UNKNOWN_TOPIC_OR_PARTITION (a send to a deleted topic failed, the
 * transaction was aborted and the sink renewed its producer, kafkajs#1622).
 */
const RESENDABLE = new Set(['CONCURRENT_TRANSACTIONS', 'UNKNOWN_TOPIC_OR_PARTITION'])

function isUndecidedTransactionError(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 10 && current !== null && typeof current === 'object'; depth++) {
    const type = (current as { type?: unknown }).type
    if (typeof type === 'string' && RESENDABLE.has(type)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

function secondsSince(at: number): string {
  return ((Date.now() - at) / 1000).toFixed(1)
}
