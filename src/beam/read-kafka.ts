import {
  BATCH_FETCH_WAIT_MS,
  type ConsumedRecord,
  type KafkaPorts,
  type RecordBatch,
} from '../kafka/ports.ts'
import { isDipError } from '../shared/errors.ts'
import { sleep } from '../shared/sleep.ts'
import { registerAsyncDoFn } from './async-do-fn.ts'
import { resourcesOf } from './run-pipeline.ts'

/** One partition's bounded range: from the committed position up to the end captured at start. */
export interface PartitionRange {
  readonly partition: number
  readonly start: bigint
  /** First offset still on the broker: a fresh reader starts there, so no seek is needed. */
  readonly low: bigint
  readonly end: bigint
}

/** The read step's input: one topic and the ranges of its partitions that have something to read. */
export interface ReadSlice {
  readonly topic: string
  readonly partitions: readonly PartitionRange[]
}

/**
 * The read step's output: every record in range, in offset order per partition, then one `end`
 * per partition once it is read to its end offset (past trailing transaction markers, which the
 * position of the last record alone never reaches).
 */
export type ReadOutput =
  | { readonly kind: 'record'; readonly record: ConsumedRecord }
  | { readonly kind: 'end'; readonly topic: string; readonly partition: number; readonly offset: bigint }

/** What the read step needs at run time. */
export interface ReadResources {
  readonly kafka: KafkaPorts
  /** Base of the per-run consumer groups (the position never comes from a group). */
  readonly groupId: string
  readonly signal: AbortSignal
  readonly warn: (message: string) => void
  /** Records read so far, for the progress display. */
  readonly progress: { read: number }
}

const RUN_ATTEMPTS = 5
const RETRY_DELAY_MS = 2000

export const READ_KAFKA = 'dip:read-kafka'

interface RangeState extends PartitionRange {
  next: bigint
  done: boolean
}

registerAsyncDoFn<ReadSlice, ReadOutput, { readonly run: string }>(READ_KAFKA, {
  async process(slice, emit, { run }) {
    const resources = resourcesOf<ReadResources>(run)
    const states = new Map<number, RangeState>(
      slice.partitions.map((p) => [p.partition, { ...p, next: p.start, done: p.start >= p.end }]),
    )
    const stop = new AbortController()
    const onAbort = () => stop.abort()
    resources.signal.addEventListener('abort', onAbort, { once: true })
    if (resources.signal.aborted) stop.abort()
    const allDone = () => [...states.values()].every((s) => s.done)
    if (allDone()) stop.abort()

    const eachBatch = async (batch: RecordBatch) => {
      const state = states.get(batch.partition)
      if (state === undefined || state.done) return
      for (const record of batch.records) {
        if (record.offset < state.next || record.offset >= state.end) continue
        await emit({ kind: 'record', record })
        state.next = record.offset + 1n
        resources.progress.read++
      }
      // A batch whose records were all taken and whose nextOffset covers the end finishes the
      // partition; a batch of only markers is trusted only close to the end, so a spurious empty
      // fetch cannot end the read early.
      const coversEnd =
        batch.nextOffset >= state.end && (batch.records.length > 0 || state.end - state.next <= 64n)
      if (state.next >= state.end || coversEnd) {
        state.done = true
        await emit({ kind: 'end', topic: slice.topic, partition: state.partition, offset: state.end })
      }
      if (allDone()) stop.abort()
    }

    try {
      for (let attempt = 1; !stop.signal.aborted; attempt++) {
        // A group of its own per reader: a rerun after a kill need not wait for the killed member's
        // session to expire.
        const source = resources.kafka.source({
          groupId: `${resources.groupId}-${process.pid}-${Date.now().toString(36)}-${slice.topic}`,
          fromBeginning: true,
          maxWaitMs: BATCH_FETCH_WAIT_MS,
        })
        try {
          await source.run({
            topics: [slice.topic],
            // A fresh group starts at the earliest offset anyway; seek only where the range starts later.
            startAt: [...states.values()]
              .filter((s) => !s.done && s.next > s.low)
              .map((s) => ({ topic: slice.topic, partition: s.partition, offset: s.next })),
            signal: stop.signal,
            eachBatch,
          })
          break
        } catch (error) {
          // A reader that lost the broker for longer than its retries: a fresh one resumes after the
          // last record emitted, a few times before giving up.
          if (
            stop.signal.aborted ||
            attempt >= RUN_ATTEMPTS ||
            !isDipError(error) ||
            error.code !== 'DIP_KAFKA'
          )
            throw error
          resources.warn(`${error.message}; reconnecting (attempt ${attempt + 1} of ${RUN_ATTEMPTS})`)
          // A stop ends the pause early; the loop then sees the aborted signal and winds down.
          await sleep(RETRY_DELAY_MS * attempt, stop.signal)
        } finally {
          await source.close().catch(() => undefined)
        }
      }
    } finally {
      resources.signal.removeEventListener('abort', onAbort)
    }
  },
})
