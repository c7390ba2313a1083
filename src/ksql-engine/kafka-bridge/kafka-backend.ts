import type { KafkaPorts, ProducedRecord, RecordBatch, TopicPartitionOffset } from '../../kafka/ports.ts'
import { errorMessage } from '../../shared/errors.ts'
import type { Engine, EngineRecord, StatementResult } from '../engine-api.ts'
import type { AcceptedRequest, KsqlBackend } from '../server/ksql-backend.ts'
import { commandTopicName, decodeCommand, encodeCommand, replayableSql } from './command-log.ts'
import { readWholeTopic } from './read-topic.ts'

export interface KafkaBackendOptions {
  readonly engine: Engine
  readonly ports: KafkaPorts
  readonly serviceId: string
  readonly log?: (message: string) => void
  /** Called when Kafka keeps refusing a transaction: the server must stop (a restart rebuilds). */
  readonly onFatal?: (error: unknown) => void
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
 * - Input topics (sources no query writes) are read from their beginning by one consumer group per
 *   server. Records below the group's committed offsets rebuild state with sink output suppressed:
 *   that output was committed before. Past them, each batch's sink records and the group's offsets
 *   commit in one Kafka transaction (exactly-once).
 * - Rows the engine itself appends to an input topic (INSERT … VALUES) are written to Kafka and
 *   skipped when they come back.
 * Limits: the engine keeps every record in memory; a rebuild runs every query over the whole
 * input, including queries that were created with `latest`.
 */
export function createKafkaBackend(options: KafkaBackendOptions): KafkaBackend {
  const { engine, ports, serviceId } = options
  const log = options.log ?? (() => undefined)
  const groupId = `_confluent-ksql-${serviceId}query_dip_bridge`
  const commandTopic = commandTopicName(serviceId)
  const sink = ports.sink({ transactionalId: `dip-ksql-${serviceId}-bridge` })
  const forwarded = new Map<string, number>()
  const echoes = new Map<string, number>()
  const positions = new Map<string, bigint>() // `${topic}:${partition}` → next offset to read
  const committed = new Map<string, bigint>() // offsets committed before this start: rebuild below them
  const knownKafkaTopics = new Set<string>()
  let sequence = -1
  let clusterId = 'unknown'
  let healthy = false
  let stopped = false
  let run: AbortController | null = null
  let loop: Promise<void> = Promise.resolve()
  let chain: Promise<unknown> = Promise.resolve()
  let lastInputs = ''

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
  const echoKey = (r: {
    topic: string
    key: Buffer | string | null
    value: Buffer | string | null
  }): string => `${r.topic}\u0000${toB64(r.key)}\u0000${toB64(r.value)}`

  /**
   * Engine records not yet written to Kafka. `done()` marks them written: call it once they are
   * committed (with `suppress`, they were written before this start and are only marked).
   */
  function pendingOutput(suppress: boolean): { records: ProducedRecord[]; done: () => void } {
    const records: ProducedRecord[] = []
    const inputs = new Set(inputTopics())
    const marks = new Map<string, number>()
    for (const topic of engine.topics()) {
      if (topic === commandTopic) continue
      const all = engine.records(topic)
      let from = forwarded.get(topic) ?? 0
      if (all.length < from) from = 0 // dropped and re-created
      marks.set(topic, all.length)
      if (suppress) continue
      for (const record of all.slice(from)) records.push(toProduced(record))
    }
    return {
      records,
      done: () => {
        for (const [topic, count] of marks) forwarded.set(topic, count)
        for (const record of records)
          if (inputs.has(record.topic)) echoes.set(echoKey(record), (echoes.get(echoKey(record)) ?? 0) + 1)
      },
    }
  }

  /**
   * Commits one transaction, retrying what the broker reports as transient (e.g. a previous
   * commit's markers still being written). The engine already holds the batch, so giving up would
   * lose output: then the server stops and a restart rebuilds from the committed offsets.
   */
  async function commitTransaction(work: Parameters<typeof sink.transaction>[0]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await sink.transaction(work)
        return
      } catch (error) {
        if (attempt >= 10) {
          healthy = false
          stopped = true
          options.onFatal?.(error)
          throw error
        }
        log(`Kafka transaction failed (attempt ${attempt}): ${errorMessage(error)}; retrying`)
        await new Promise((resolve) => setTimeout(resolve, 300 * attempt))
      }
    }
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
      for (const name of missing) knownKafkaTopics.add(name)
    } finally {
      await admin.close()
    }
  }

  async function processBatch(batch: RecordBatch): Promise<void> {
    await exclusive(async () => {
      const key = `${batch.topic}:${batch.partition}`
      const rebuildEnd = committed.get(key) ?? -1n
      for (const [i, record] of batch.records.entries()) {
        // Let the server accept requests (they queue behind this batch) during long batches.
        if (i > 0 && i % 500 === 0) await new Promise((resolve) => setImmediate(resolve))
        const echo = echoKey(record)
        const pending = echoes.get(echo) ?? 0
        if (pending > 0) {
          if (pending === 1) echoes.delete(echo)
          else echoes.set(echo, pending - 1)
        } else {
          try {
            engine.produce({
              topic: record.topic,
              partition: record.partition,
              key: record.key,
              value: record.value,
              timestamp: record.timestamp,
              headers: record.headers,
            })
          } catch (error) {
            log(`record ${record.topic}/${record.partition}@${record.offset} skipped: ${errorMessage(error)}`)
          }
          // The engine keeps the consumed record in its copy of the topic: that is not output.
          forwarded.set(record.topic, engine.records(record.topic).length)
        }
        if (record.offset < rebuildEnd) pendingOutput(true).done()
      }
      if (batch.nextOffset <= rebuildEnd) {
        positions.set(key, batch.nextOffset)
        return
      }
      const output = pendingOutput(false)
      await commitTransaction(async (tx) => {
        if (output.records.length > 0) await tx.send(output.records)
        await tx.sendOffsets(groupId, [
          { topic: batch.topic, partition: batch.partition, offset: batch.nextOffset },
        ])
      })
      output.done()
      positions.set(key, batch.nextOffset)
    })
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
        const source = ports.source({ groupId, isolation: 'read_committed' })
        try {
          const startAt = await startAtFor(topics)
          await source.run({ topics, startAt, signal: controller.signal, eachBatch: processBatch })
        } catch (error) {
          healthy = false
          log(`consuming ${topics.join(', ')} failed: ${errorMessage(error)}; retrying`)
          await new Promise((resolve) => setTimeout(resolve, 2000))
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
    exclusive,
    clusterId: () => clusterId,
    kafkaHealthy: () => healthy,
    async start() {
      await ensureCommandTopic()
      await mirrorKafkaTopics()
      const commands = await readWholeTopic(ports, commandTopic, `${groupId}_replay`)
      for (const record of commands) {
        const request = decodeCommand(record.value)
        sequence = Number(record.offset)
        if (request === null) continue
        const sql = replayableSql(request.sql)
        if (sql.trim() === '') continue
        try {
          engine.execute(sql, { properties: request.properties, variables: request.variables })
        } catch (error) {
          log(`command ${record.offset} not replayed: ${errorMessage(error)}`)
        }
      }
      // Whatever the replay wrote was written before; sources are re-read below to rebuild state.
      pendingOutput(true).done()
      await createEngineTopicsInKafka()
      lastInputs = inputTopics().join(',')
      loop = consumeLoop()
      return { replayedCommands: commands.length }
    },
    async commit(request: AcceptedRequest, results: readonly StatementResult[]) {
      const persist = results.some((r) => r.kind !== 'inserted' || r.queryId !== null)
      await createEngineTopicsInKafka()
      const output = pendingOutput(false)
      await commitTransaction(async (tx) => {
        if (persist) await tx.send([{ topic: commandTopic, key: null, value: encodeCommand(request) }])
        if (output.records.length > 0) await tx.send(output.records)
      })
      output.done()
      if (persist) sequence++
      restartConsumerIfInputsChanged()
      return sequence
    },
    async deleteTopic(name) {
      const admin = ports.admin()
      try {
        await admin.deleteTopics([name])
        knownKafkaTopics.delete(name)
        forwarded.delete(name)
      } finally {
        await admin.close()
      }
    },
    async beforeExecute() {
      await mirrorKafkaTopics()
    },
    async stop() {
      stopped = true
      restartConsumer()
      await loop
      await sink.close()
    },
  }

  function restartConsumerIfInputsChanged(): void {
    const current = inputTopics().join(',')
    if (current !== lastInputs) {
      lastInputs = current
      restartConsumer()
    }
  }
}

function toProduced(record: EngineRecord): ProducedRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    ...(record.headers === undefined ? {} : { headers: record.headers }),
  }
}

function toB64(bytes: Buffer | string | null): string {
  return bytes === null ? '-' : Buffer.from(bytes).toString('base64')
}
