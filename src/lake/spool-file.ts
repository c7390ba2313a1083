import { open, rm, type FileHandle } from 'node:fs/promises'
import { type LakeLine, lineText } from '../sinks/lake-line.ts'

/**
 * A JSON Lines temp file that rows are appended to as they arrive, in buffered writes, so a large
 * window costs disk rather than memory. Rows are encoded straight into a byte buffer (a spliced row's
 * value bytes are copied, never decoded), and the file is opened on the first write.
 */
export interface SpoolFile {
  readonly path: string
  /**
   * Adds one row and a line break. Resolves only when a buffer was written; callers await the result
   * when it is a promise.
   */
  append(line: LakeLine): Promise<void> | undefined
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>
  /** Closes and deletes the file. */
  discard(): Promise<void>
}

/** Room kept beyond `bufferBytes`, so any row smaller than it fits without a check of its size. */
const ROW_ROOM = 64 * 1024
const NEWLINE = 0x0a

export function createSpoolFile(path: string, options: { readonly bufferBytes?: number } = {}): SpoolFile {
  const bufferBytes = options.bufferBytes ?? 1 << 20
  let buffer: Buffer | null = null
  let used = 0
  let handle: FileHandle | undefined
  // Writes run one after another, in append order, even when a caller does not await them.
  let writing: Promise<void> = Promise.resolve()

  const write = (bytes: Uint8Array): Promise<void> => {
    writing = writing.then(async () => {
      handle ??= await open(path, 'w')
      let done = 0
      while (done < bytes.length) done += (await handle.write(bytes, done)).bytesWritten
    })
    return writing
  }

  /** Hands the buffered bytes to a write; the next row starts a fresh buffer. */
  const writeBuffered = (): Promise<void> => {
    if (buffer === null || used === 0) return writing
    const bytes = buffer.subarray(0, used)
    buffer = null
    used = 0
    return write(bytes)
  }

  return {
    path,
    append(line) {
      if (worstCaseBytes(line) > ROW_ROOM) {
        void writeBuffered()
        return write(Buffer.from(`${lineText(line)}\n`, 'utf8'))
      }
      buffer ??= Buffer.allocUnsafe(bufferBytes + ROW_ROOM)
      used = encodeLine(buffer, used, line)
      return used >= bufferBytes ? writeBuffered() : undefined
    },
    async close() {
      await writeBuffered()
      handle ??= await open(path, 'w')
      await handle.close()
      handle = undefined
    },
    async discard() {
      buffer = null
      used = 0
      await writing.catch(() => undefined)
      await handle?.close()
      handle = undefined
      await rm(path, { force: true })
    },
  }
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
function worstCaseBytes(line: LakeLine): number {
  if (typeof line === 'string') return line.length * 3 + 1
  return (line.head.length + line.tail.length) * 3 + (line.bodyEnd - line.bodyStart) + 1
}

function encodeLine(buffer: Buffer, at: number, line: LakeLine): number {
  let pos = at
  if (typeof line === 'string') pos += buffer.write(line, pos)
  else {
    pos += buffer.write(line.head, pos)
    buffer.set(line.body.subarray(line.bodyStart, line.bodyEnd), pos)
    pos += line.bodyEnd - line.bodyStart
    pos += buffer.write(line.tail, pos)
  }
  buffer[pos++] = NEWLINE
  return pos
}
