/** Turns a window's rows (already serialized as JSON lines) into one file of the lake's format. */
export interface LakeEncoder {
  readonly extension: 'jsonl' | 'parquet'
  /** Writes `lines` to `path` (a temp name; the caller renames it into place). */
  write(path: string, lines: readonly string[]): Promise<void>
  close(): Promise<void>
}
