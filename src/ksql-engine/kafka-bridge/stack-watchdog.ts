import { existsSync, writeFileSync } from 'node:fs'
import { DipError, errorMessage } from '../../shared/errors.ts'

/**
 * A server started by `dip up` belongs to one native stack: its `--stack-marker` is a file under
 * the stack's state dir. Once that file is gone (state dir deleted, `dip down --purge`), nobody
 * will ever stop the server: it must stop by itself, or it is an orphan holding its port. A
 * stopped or killed Kafka is not a gone stack: the server waits for the broker to come back
 * (`dip up` restarts it; `dip down` stops this server first).
 */
export interface StackWatchdogOptions {
  /** `<stateDir>/ksqldb`: written on start, watched afterwards. */
  readonly marker: string
  readonly onGone: (reason: string) => void
  readonly intervalMs?: number
}
/** Writes the marker (the server's pid) and starts watching; returns the function that stops it. */
export function watchStack(options: StackWatchdogOptions): () => void {
  try {
    writeFileSync(options.marker, `${process.pid}\n`)
  } catch (error) {
    throw new DipError(
      'DIP_STACK',
      `Cannot write the stack marker ${options.marker}: ${errorMessage(error)}`,
      {
        hint: 'the state dir of the stack is missing: start the stack with `dip up`, not this command by hand',
        cause: error,
      },
    )
  }
  const check = stackChecker(options.marker)
  const timer = setInterval(() => {
    const reason = check()
    if (reason === null) return
    clearInterval(timer)
    options.onGone(reason)
  }, options.intervalMs ?? 2000)
  // The watchdog alone must not keep the process alive.
  timer.unref()
  return () => clearInterval(timer)
}

/** One check per call: why the stack is gone, or null while it is there. */
export function stackChecker(marker: string): () => string | null {
  return () =>
    existsSync(marker) ? null : `its stack marker ${marker} is gone (state dir deleted or purged)`
}
