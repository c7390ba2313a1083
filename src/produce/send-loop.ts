import type { ProducedRecord, RecordSink } from '../kafka/ports.ts'
import { DipError, errorMessage, isDipError } from '../shared/errors.ts'
import { createRateLimiter } from './rate-limiter.ts'
import { sleep } from '../shared/sleep.ts'

export interface SendProgress {
  readonly records: number
  readonly bytes: number
  readonly elapsedMs: number
}

export interface SendSummary extends SendProgress {
  /** Stopped by the signal (Ctrl-C) or the duration before the plan was done. */
  readonly interrupted: boolean
}

export interface SendLoopOptions {
  readonly chunks: Iterable<ProducedRecord[]> | AsyncIterable<ProducedRecord[]>
  readonly sink: RecordSink
  readonly ratePerSecond: number | null
  /** Stop at this instant (epoch ms), for --duration. */
  readonly deadlineMs: number | null
  readonly signal: AbortSignal
  /** Records per send request. */
  readonly batchSize?: number
  readonly now?: () => number
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  readonly onProgress?: (progress: SendProgress) => void
}

/**
 * Sends chunks in batches, paced by the rate; each batch is awaited (acks=all), so when the signal
 * aborts, everything counted as sent is on the broker and nothing is left half-sent.
 */
export async function runSendLoop(options: SendLoopOptions): Promise<SendSummary> {
  const now = options.now ?? Date.now
  const pause = options.sleep ?? sleep
  const batchSize = options.batchSize ?? 1000
  const start = now()
  const limiter = createRateLimiter(options.ratePerSecond, start)
  let records = 0
  let bytes = 0
  const stopped = () => options.signal.aborted || (options.deadlineMs !== null && now() >= options.deadlineMs)
  const progress = () => ({ records, bytes, elapsedMs: now() - start })

  for await (const chunk of options.chunks) {
    let at = 0
    while (at < chunk.length) {
      if (stopped()) return { ...progress(), interrupted: true }
      const allowed = Math.min(batchSize, chunk.length - at, limiter.allowance(now()))
      if (allowed <= 0) {
        const waitMs = limiter.waitMs(now())
        const untilDeadline = options.deadlineMs === null ? waitMs : Math.max(0, options.deadlineMs - now())
        await pause(Math.max(1, Math.min(waitMs, untilDeadline)), options.signal)
        continue
      }
      const batch = chunk.slice(at, at + allowed)
      try {
        await options.sink.send(batch)
      } catch (error) {
        throw sendFailed(error, records, batch.length)
      }
      at += allowed
      limiter.record(allowed)
      records += allowed
      for (const record of batch) bytes += size(record.key) + size(record.value)
      options.onProgress?.(progress())
    }
  }
  return { ...progress(), interrupted: false }
}

/**
 * A failed send says how far the run got: every record counted before it was acknowledged
 * (acks=all); the failed batch may or may not be on the broker (its idempotent retries ran out).
 */
function sendFailed(error: unknown, acknowledged: number, batch: number): DipError {
  const cause = isDipError(error) ? error : undefined
  return new DipError(
    cause?.code ?? 'DIP_KAFKA',
    `${errorMessage(error)}; ${acknowledged.toLocaleString('en-US')} record(s) were acknowledged by the broker before the failure (a batch of ${batch.toLocaleString('en-US')} in flight may or may not have been written)`,
    {
      hint: cause?.hint ?? 'check the broker with `dip status`, then run the command again',
      details: { ...cause?.details, acknowledged, unconfirmed: batch },
      cause: error,
    },
  )
}

function size(value: Buffer | string | null): number {
  if (value === null) return 0
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length
}
