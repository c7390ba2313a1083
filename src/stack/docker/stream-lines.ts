import { execa } from 'execa'
import type { StreamLines } from './docker-stack.ts'

/** Runs a command and hands every stdout/stderr line over as it arrives, until it exits or the signal aborts. */
export const streamLines: StreamLines = async (command, args, options) => {
  const subprocess = execa(command, [...args], {
    reject: false,
    all: true,
    stdin: 'ignore',
    ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
  })
  try {
    for await (const line of subprocess.iterable({ from: 'all' })) options.onLine(String(line))
  } catch (error) {
    // Stopping a follow with the signal is the normal way out.
    if (options.signal?.aborted !== true) throw error
  }
  const result = await subprocess
  if (options.signal?.aborted === true) return 0
  return result.exitCode ?? 1
}
