import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { nativePaths } from '../../stack/native/native-paths.ts'
import { isAlive } from '../../stack/native/processes.ts'
import { DipError, errorMessage } from '../../shared/errors.ts'

/**
 * A server started by `dip up` belongs to one native stack: its `--stack-marker` is a file under
 * the stack's state dir. Once that file or the stack's Kafka is gone (state dir deleted, `dip down
 * --purge`, Kafka stopped), nobody will ever stop the server: it must stop by itself, or it is an
 * orphan holding its port.
 */
export interface StackWatchdogOptions {
  /** `<stateDir>/ksqldb`: written on start, watched afterwards. */
  readonly marker: string
  readonly onGone: (reason: string) => void
  readonly intervalMs?: number
  /** Checks in a row that must find Kafka dead: a restarting broker is not a gone stack. */
  readonly kafkaMisses?: number
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
  const check = stackChecker(options.marker, options.kafkaMisses ?? 3)
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
export function stackChecker(marker: string, kafkaMisses: number): () => string | null {
  const kafkaPid = nativePaths(dirname(marker)).kafkaPid
  let misses = 0
  return () => {
    if (!existsSync(marker)) return `its stack marker ${marker} is gone (state dir deleted or purged)`
    misses = kafkaRunning(kafkaPid) ? 0 : misses + 1
    if (misses >= kafkaMisses) return `its stack's Kafka is not running (pid file ${kafkaPid})`
    return null
  }
}

function kafkaRunning(pidFile: string): boolean {
  let text: string
  try {
    text = readFileSync(pidFile, 'utf8')
  } catch {
    return false
  }
  const pid = Number.parseInt(text.trim(), 10)
  return Number.isInteger(pid) && pid > 0 && isAlive(pid)
}
