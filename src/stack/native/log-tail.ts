import { existsSync, readFileSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import type { LogsOptions } from '../stack-driver.ts'
import { sleep } from '../../shared/sleep.ts'

/** The last `count` lines of a log file ('' when it does not exist): for error messages and `dip logs`. */
export function tailFile(path: string, count: number): string[] {
  if (!existsSync(path)) return []
  const lines = readFileSync(path, 'utf8').split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.slice(-count)
}

export function tailForError(path: string, count = 15): string {
  const lines = tailFile(path, count)
  return lines.length === 0 ? `(${path} is empty)` : `last lines of ${path}:\n    ${lines.join('\n    ')}`
}

/** Prints lines appended to a file until the signal aborts (polling: works on every file system). */
export async function followFile(file: string, options: LogsOptions): Promise<void> {
  let position = statSync(file).size
  let partial = ''
  while (options.signal?.aborted !== true) {
    await sleep(300)
    if (!existsSync(file)) continue
    const size = statSync(file).size
    if (size < position) position = 0
    if (size === position) continue
    const handle = await open(file, 'r')
    try {
      const buffer = Buffer.alloc(size - position)
      await handle.read(buffer, 0, buffer.length, position)
      position = size
      const lines = (partial + buffer.toString('utf8')).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) options.onLine(line)
    } finally {
      await handle.close()
    }
  }
}
