import { open, rm, type FileHandle } from 'node:fs/promises'

/**
 * A JSON Lines temp file that rows are appended to as they arrive, in buffered writes, so a large
 * window costs disk rather than memory. The file is opened on the first write.
 */
export interface SpoolFile {
  readonly path: string
  /** Resolves only when a buffer was written; callers await the result when it is a promise. */
  append(line: string): Promise<void> | undefined
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>
  /** Closes and deletes the file. */
  discard(): Promise<void>
}

export function createSpoolFile(path: string, options: { readonly bufferBytes?: number } = {}): SpoolFile {
  const bufferBytes = options.bufferBytes ?? 1 << 20
  let pending: string[] = []
  let pendingBytes = 0
  let handle: FileHandle | undefined

  async function writePending(): Promise<void> {
    if (pending.length === 0) return
    const text = `${pending.join('\n')}\n`
    pending = []
    pendingBytes = 0
    handle ??= await open(path, 'w')
    await handle.write(text)
  }

  return {
    path,
    append(line) {
      pending.push(line)
      pendingBytes += line.length + 1
      return pendingBytes >= bufferBytes ? writePending() : undefined
    },
    async close() {
      await writePending()
      handle ??= await open(path, 'w')
      await handle.close()
      handle = undefined
    },
    async discard() {
      pending = []
      await handle?.close()
      handle = undefined
      await rm(path, { force: true })
    },
  }
}
