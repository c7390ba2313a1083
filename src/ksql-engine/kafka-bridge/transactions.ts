import type { ProducedRecord, SinkTransaction } from '../../kafka/ports.ts'
import { errorMessage } from '../../shared/errors.ts'
import type { BackendState } from './backend-state.ts'
import { failWritersOfMissingTopics } from './topic-admin.ts'
import { sleep } from '../../shared/sleep.ts'

/**
 * Commits one transaction, retrying what the broker reports as transient before anything of the
 * transaction is decided (the previous commit's markers still being written). Any other failure
 * (the broker gone, a commit whose answer was lost) may have committed it: sending the batch
 * again could write it twice, so the bridge stops and is rebuilt from the committed offsets
 * (a restart, or the server's reconnect). `anyError`: nothing is sent (the fence), retry all.
 */
export async function commitTransaction(
  state: BackendState,
  work: (tx: SinkTransaction) => Promise<unknown>,
  anyError = false,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await state.sink.transaction(work)
      return
    } catch (error) {
      // A sink topic deleted under its query fails that query alone; the rest commits on retry.
      if (await failWritersOfMissingTopics(state)) continue
      if (attempt >= 10 || !(anyError || isUndecidedTransactionError(error))) {
        state.healthy = false
        state.stopped = true
        state.onFatal?.(error)
        throw error
      }
      state.log(`Kafka transaction failed (attempt ${attempt}): ${errorMessage(error)}; retrying`)
      // The usual cause, the previous commit's markers still being written, clears within
      // milliseconds (the Java client retries after 20 ms); anything else gets longer pauses.
      await sleep(attempt <= 2 ? 20 * attempt : 300 * attempt)
    }
  }
}

/** Engine output minus the records of sink topics lost under their (failed) queries. */
export function deliverable(
  state: BackendState,
  records: readonly ProducedRecord[],
): readonly ProducedRecord[] {
  return state.lostTopics.size === 0 ? records : records.filter((r) => !state.lostTopics.has(r.topic))
}

/** Waits for the commit in flight; throws if it failed (the server is stopping: never skip a batch). */
export async function settled(state: BackendState): Promise<void> {
  await state.inFlight
  if (state.failure !== undefined) throw state.failure
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
