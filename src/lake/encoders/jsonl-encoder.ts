import { writeFile } from 'node:fs/promises'
import type { LakeEncoder } from './lake-encoder.ts'

/** JSON Lines: one JSON object per line, UTF-8, a trailing newline. */
export function createJsonlEncoder(): LakeEncoder {
  return {
    extension: 'jsonl',
    write: (path, lines) => writeFile(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`),
    close: async () => undefined,
  }
}
