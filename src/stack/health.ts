import { DipError } from '../shared/errors.ts'
import type { Probe, ProbeResult } from '../shared/probe.ts'
import { sleep } from '../shared/sleep.ts'

/**
 * Waiting for a service to be healthy. The probes themselves live with their adapters
 * (kafka/kafka-probes.ts, mysql/mysql-probe.ts, ksql-client/ksql-probe.ts): this module speaks to
 * no service directly.
 */
export type { Probe, ProbeResult } from '../shared/probe.ts'

export interface WaitOptions {
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  /** Pause between attempts (default 500 ms). */
  readonly intervalMs?: number
  /** Called after every failed attempt, e.g. to update a spinner or notice a crashed process. */
  readonly onAttempt?: (result: ProbeResult, elapsedMs: number) => void
  /** Checked between attempts: return a reason to give up early (the process exited). */
  readonly giveUp?: () => string | undefined
  /** Names the service in the timeout error. */
  readonly what?: string
}

/** Polls a probe until it answers healthy; throws DIP_TIMEOUT with the last failure otherwise. */
export async function waitUntilHealthy(probe: Probe, options: WaitOptions): Promise<ProbeResult> {
  const started = Date.now()
  const interval = options.intervalMs ?? 500
  const what = options.what ?? 'service'
  let last: ProbeResult = { healthy: false, version: null, detail: 'not probed yet' }
  for (;;) {
    if (options.signal?.aborted === true)
      throw new DipError('DIP_STACK', `Waiting for ${what} was cancelled.`)
    last = await probe(options.signal)
    if (last.healthy) return last
    const elapsed = Date.now() - started
    options.onAttempt?.(last, elapsed)
    const reason = options.giveUp?.()
    if (reason !== undefined) throw new DipError('DIP_STACK', `${what} stopped while starting: ${reason}`)
    if (elapsed >= options.timeoutMs) {
      throw new DipError(
        'DIP_TIMEOUT',
        `${what} did not become healthy within ${Math.round(options.timeoutMs / 1000)} s (last answer: ${last.detail ?? 'unhealthy'}).`,
        { hint: 'Check its log with `dip logs`, or raise stack.startTimeoutSeconds.' },
      )
    }
    await sleep(Math.min(interval, Math.max(0, options.timeoutMs - elapsed)), options.signal)
  }
}
