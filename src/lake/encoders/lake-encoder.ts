/**
 * Turns a window's rows, spooled to a JSON Lines temp file, into one file of the lake's format.
 */
export interface LakeEncoder {
  readonly extension: 'jsonl' | 'parquet'
  /**
   * Converts the finished JSON Lines temp file; returns the temp file to rename into place (the same
   * one for JSON Lines). Every temp name is hidden and ends in `.tmp`.
   */
  finish(jsonlPath: string): Promise<string>
  close(): Promise<void>
}
