import { errorMessage } from '../../shared/errors.ts'
import type { PreparedRequest } from '../engine-api.ts'
import { EngineError } from '../engine-error.ts'
import type { TopicShape } from '../server/describe-extended.ts'
import type { AcceptedRequest } from '../server/ksql-backend.ts'
import {
  type BackendState,
  exclusive,
  inputTopics,
  restartConsumerIfInputsChanged,
  sinkTopics,
} from './backend-state.ts'
import { sleep } from '../../shared/sleep.ts'

/** How often (100 ms apart) a deleted topic is looked for before DROP … DELETE TOPIC answers. */
const DELETION_CHECKS = 100

/**
 * After a failed transaction: the running queries whose sink topic is no longer in Kafka go to
 * ERROR (as ksqlDB's MissingTopicClassifier would have it: a USER error) and their records are
 * dropped from every later transaction. True if it found any (the transaction is worth a retry).
 */
export async function failWritersOfMissingTopics(state: BackendState): Promise<boolean> {
  const { engine, log } = state
  let existing: Set<string>
  const admin = state.ports.admin()
  try {
    existing = new Set(await admin.listTopics())
  } catch {
    return false
  } finally {
    await admin.close().catch(() => undefined)
  }
  const missing = [...sinkTopics(state)].filter((t) => !existing.has(t) && !state.lostTopics.has(t))
  for (const topic of missing) {
    state.lostTopics.add(topic)
    state.knownKafkaTopics.delete(topic)
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
export async function failReadersOfMissingInputs(state: BackendState): Promise<void> {
  const { engine, log } = state
  const topics = inputTopics(state)
  if (topics.length === 0) return
  let existing: Set<string>
  const admin = state.ports.admin()
  try {
    existing = new Set(await admin.listTopics())
  } catch {
    return // Kafka unreachable: not a missing topic.
  } finally {
    await admin.close().catch(() => undefined)
  }
  const missing = topics.filter((t) => !existing.has(t))
  if (missing.length === 0) return
  await exclusive(state, () => {
    const topicOf = new Map(engine.sources().map((source) => [source.name, source.topic]))
    for (const topic of missing) {
      state.knownKafkaTopics.delete(topic)
      for (const query of engine.queries())
        if (query.state === 'RUNNING' && query.sources.some((name) => topicOf.get(name) === topic)) {
          const errorMessage = `Source topic ${topic} of query ${query.id} does not exist in Kafka (deleted while the query ran); the query stopped.`
          engine.failQuery(query.id, { type: 'USER', errorMessage })
          log(errorMessage)
        }
    }
  })
  restartConsumerIfInputsChanged(state)
}

export async function mirrorKafkaTopics(state: BackendState): Promise<void> {
  const { engine } = state
  const admin = state.ports.admin()
  try {
    const names = (await admin.listTopics()).filter((n) => !n.startsWith('_'))
    const fresh = names.filter((n) => !state.knownKafkaTopics.has(n) || !engine.topics().includes(n))
    if (fresh.length > 0)
      for (const topic of await admin.describeTopics(fresh)) {
        if (!engine.topics().includes(topic.name)) engine.createTopic(topic.name, topic.partitions)
        state.knownKafkaTopics.add(topic.name)
      }
    state.healthy = true
  } finally {
    await admin.close()
  }
}

export async function createEngineTopicsInKafka(state: BackendState): Promise<void> {
  const { engine } = state
  const missing = engine.topics().filter((t) => !state.knownKafkaTopics.has(t))
  if (missing.length === 0) return
  const [listing] = engine.execute('SHOW TOPICS;')
  const partitions = new Map<string, number>()
  if (listing?.kind === 'listing')
    for (const row of listing.rows as { name: string; replicaInfo: unknown[] }[])
      partitions.set(row.name, row.replicaInfo.length)
  const admin = state.ports.admin()
  try {
    await admin.createTopics(
      missing.map((name) => ({ name, partitions: partitions.get(name) ?? 1, replicationFactor: 1 })),
    )
    for (const name of missing) {
      state.knownKafkaTopics.add(name)
      state.lostTopics.delete(name)
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
export async function createRequestTopicsInKafka(
  state: BackendState,
  request: AcceptedRequest,
  prepared: PreparedRequest,
): Promise<void> {
  const wanted = [...state.engine.topicsToCreate(prepared)].filter(
    ([name]) => !state.knownKafkaTopics.has(name),
  )
  if (wanted.length === 0) return
  const admin = state.ports.admin()
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
      state.knownKafkaTopics.add(name)
      state.lostTopics.delete(name)
    }
  } finally {
    await admin.close()
  }
}

export async function ensureCommandTopic(state: BackendState): Promise<void> {
  const admin = state.ports.admin()
  try {
    state.clusterId = await admin.clusterId()
    await admin.createTopics([{ name: state.commandTopic, partitions: 1, replicationFactor: 1 }])
  } finally {
    await admin.close()
  }
}

export async function describeKafkaTopic(state: BackendState, topic: string): Promise<TopicShape | null> {
  const admin = state.ports.admin()
  try {
    if (!(await admin.listTopics()).includes(topic)) return null
    const [description] = await admin.describeTopics([topic])
    return description === undefined
      ? null
      : { partitions: description.partitions, replication: description.replicationFactor }
  } finally {
    await admin.close()
  }
}

export async function deleteKafkaTopic(state: BackendState, name: string): Promise<void> {
  const admin = state.ports.admin()
  try {
    await admin.deleteTopics([name])
    state.knownKafkaTopics.delete(name)
    // Deletion completes asynchronously: a statement right after this one must not see the
    // topic still listed (it would be taken for an existing one, and never created again).
    for (let i = 0; i < DELETION_CHECKS && (await admin.listTopics()).includes(name); i++) await sleep(100)
  } finally {
    await admin.close()
  }
}
