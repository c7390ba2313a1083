import type { LakeEncoder } from './lake-encoder.ts'

/** JSON Lines: the spooled file already is the lake file (one JSON object per line, UTF-8). */
export function createJsonlEncoder(): LakeEncoder {
  return {
    extension: 'jsonl',
    finish: async (jsonlPath) => jsonlPath,
    close: async () => undefined,
  }
}
