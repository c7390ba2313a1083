import type { ConsumedRecord } from '../../kafka/ports.ts'
import type { OffsetRecord } from '../engine-api.ts'
import { type BackendState, inputTopics } from './backend-state.ts'
import { readTopicUpTo } from './read-topic.ts'
import { settled } from './transactions.ts'

/** A topic's records for a pull or scan the engine holds no history for; undefined if it does. */
export async function readHistory(
  state: BackendState,
  topic: string,
): Promise<readonly OffsetRecord[] | undefined> {
  if (state.engine.holdsHistory(topic)) return undefined
  // Every batch's output must be in Kafka before an engine-written topic is read to its end.
  await settled(state)
  const records: OffsetRecord[] = []
  await readTopicUpTo(state.ports, topic, `${state.groupId}_pull`, consumedEnds(state, topic), (batch) => {
    for (const r of batch) records.push(toOffsetRecord(r))
  })
  return records
}

/**
 * New queries from 'earliest' whose source history the engine no longer holds read it from Kafka:
 * an input topic up to where this server has consumed it (the rest arrives through the consumer),
 * a topic the engine writes up to its end (every earlier output is committed).
 */
export async function runBackfills(state: BackendState): Promise<void> {
  const { engine } = state
  for (const { queryId, topic } of engine.takeBackfills()) {
    let fed = 0
    await readTopicUpTo(
      state.ports,
      topic,
      `${state.groupId}_backfill`,
      consumedEnds(state, topic),
      (records) => {
        engine.backfill(queryId, records.map(toOffsetRecord))
        fed += records.length
      },
    )
    state.log(`query ${queryId}: ${fed} earlier record(s) of ${topic} read from Kafka`)
  }
}

/**
 * How far history reads go: an input topic up to where this server has consumed it (the rest
 * arrives through the consumer); null for a topic the engine writes: up to its end.
 */
function consumedEnds(state: BackendState, topic: string): Map<number, bigint> | null {
  if (!inputTopics(state).includes(topic)) return null
  const ends = new Map<number, bigint>()
  for (const [key, offset] of state.positions) {
    const at = key.lastIndexOf(':')
    if (key.slice(0, at) === topic) ends.set(Number(key.slice(at + 1)), offset)
  }
  return ends
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
