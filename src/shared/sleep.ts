import { setTimeout as delay } from 'node:timers/promises'

/**
 * The one pause: waits `ms`, or less when `signal` aborts. A stop ends the wait without an error,
 * so a loop that sleeps between attempts checks its signal after waking and winds down itself.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  const stopped = (): boolean => signal?.aborted === true
  if (stopped()) return
  try {
    await delay(ms, undefined, signal === undefined ? undefined : { signal })
  } catch (error) {
    if (!stopped()) throw error
  }
}
