import type { ProducedRecord } from '../kafka/ports.ts'
import {
  eventTime,
  generateTransactions,
  LAB_EPOCH_MS,
  serializeTransaction,
  type TransactionEvent,
} from './generate-transactions.ts'
import type { ProducePlan } from './produce-plan.ts'

/** Transactions generated per call: bounds memory, and runs of up to this many match the generator exactly. */
export const CHUNK_SIZE = 10_000
const THREADS = 10
const SEND_INTERVAL_MS = 200

/**
 * The records of a produce plan, chunk by chunk, deterministic for a seed. Chunk i comes from
 * `generateTransactions` with seed `seed + i` and a time anchor moved on by the chunk's send span,
 * so reception times keep increasing; thread / message_number are renumbered over the whole run.
 * (Transaction ids are unique within a chunk; across chunks a repeat is possible but rare.)
 */
export type RecordsPlan = Pick<
  ProducePlan,
  'topic' | 'count' | 'seed' | 'key' | 'lifecycle' | 'eventTime'
> & {
  /** Transactions per chunk (default CHUNK_SIZE); smaller only to keep tests quick. */
  readonly chunkSize?: number
}

export function* transactionRecords(plan: RecordsPlan): Generator<ProducedRecord[]> {
  const chunkSize = plan.chunkSize ?? CHUNK_SIZE
  let produced = 0
  let sent = 0
  for (let chunk = 0; plan.count === null || produced < plan.count; chunk++) {
    const count = plan.count === null ? chunkSize : Math.min(chunkSize, plan.count - produced)
    const events = generateTransactions({
      count,
      seed: plan.seed + chunk,
      now: LAB_EPOCH_MS + sent * SEND_INTERVAL_MS,
      threads: THREADS,
      sendIntervalMs: SEND_INTERVAL_MS,
      lifecycle: plan.lifecycle,
    })
    const records = events.map((event, i) => toRecord(renumber(event, sent + i, chunk), plan))
    produced += count
    sent += records.length
    yield records
  }
}

/** The events are the generator's fresh objects: renumbered in place, keeping their key order. */
function renumber(event: TransactionEvent, index: number, chunk: number): TransactionEvent {
  if (chunk === 0) return event
  const fields = event as unknown as Record<string, unknown>
  fields['thread'] = index % THREADS
  fields['message_number'] = Math.floor(index / THREADS)
  return event
}

function toRecord(
  event: TransactionEvent,
  plan: Pick<ProducePlan, 'topic' | 'key' | 'eventTime'>,
): ProducedRecord {
  const key = plan.key === 'none' ? null : event[plan.key]
  return {
    topic: plan.topic,
    key,
    value: serializeTransaction(event),
    ...(plan.eventTime ? { timestamp: eventTime(event) } : {}),
  }
}
