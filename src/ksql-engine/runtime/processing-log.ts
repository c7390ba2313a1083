import type { ProcessingLogEntry } from '../engine-api.ts'

/** Record-level errors: logged and skipped, never crash the query. */
export class ProcessingLog {
  private readonly entries: ProcessingLogEntry[] = []
  private readonly limit: number

  constructor(limit = 10_000) {
    this.limit = limit
  }

  record(entry: ProcessingLogEntry): void {
    if (this.entries.length >= this.limit) this.entries.shift()
    this.entries.push(entry)
  }

  all(): readonly ProcessingLogEntry[] {
    return this.entries
  }
}
