import { mkdir, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConsumedRecord } from '../kafka/ports.ts'
import type { DecodeTarget } from '../sinks/decode-record.ts'
import { type EncodedLine, encodeRecordLine, type LakeLine, lineLength } from '../sinks/lake-line.ts'
import type { LakeEncoder } from './encoders/lake-encoder.ts'
import { formatLakeFileName } from './file-name.ts'
import { createPartitionPaths, type LakeArea } from './partition-path.ts'
import { createSpoolFile, type SpoolFile } from './spool-file.ts'

/** One topic the lake sinks, and how to decode it. */
export interface LakeTopic extends DecodeTarget {
  readonly topic: string
  readonly area: Exclude<LakeArea, '_errors'>
}

export interface LakeSinkOptions {
  readonly root: string
  readonly timeZone: string
  readonly encoder: LakeEncoder
  /** Dead letters are always JSON Lines: raw bytes and reasons read best as text. */
  readonly errorEncoder: LakeEncoder
  /** A window is flushed when it holds this many records... */
  readonly maxRecords: number
  /** ...or this many bytes of JSON rows. */
  readonly maxBytes: number
  /** Called after a window's files are all in place: the partition's position may be committed. */
  readonly onFlushed?: (flushed: FlushedWindow) => Promise<void> | void
  readonly now?: () => number
}

export interface FlushedWindow {
  readonly topic: string
  readonly partition: number
  readonly nextOffset: bigint
  readonly files: readonly string[]
}

export interface TopicStats {
  records: number
  deleted: number
  errors: number
  files: number
  bytes: number
}

interface Bucket {
  readonly area: LakeArea
  /** Absolute folder of the bucket's file. */
  readonly dir: string
  readonly spool: SpoolFile
}

interface Window {
  readonly first: bigint
  last: bigint
  records: number
  bytes: number
  readonly openedAt: number
  lastAppendAt: number
  readonly buckets: Map<string, Bucket>
}

/**
 * The lake's write path. Records of one partition form a "window": its rows are spooled to one
 * hidden temp file per date folder (plus one for dead letters) as they arrive, so memory stays
 * small; a flush closes (and for Parquet converts) them, then renames them all into place, named by
 * the window's offset range. Windows are flushed one at a time and in offset order, which is what
 * lets lake-position.ts recover the exact position after a crash.
 *
 * Not safe for concurrent calls: the caller serializes append/flush (consume-lake does).
 */
export function createLakeSink(topics: readonly LakeTopic[], options: LakeSinkOptions) {
  const byTopic = new Map(topics.map((t) => [t.topic, t]))
  const windows = new Map<string, Window>()
  const positions = new Map<string, bigint>()
  const stats = new Map<string, TopicStats>(
    topics.map((t) => [t.topic, { records: 0, deleted: 0, errors: 0, files: 0, bytes: 0 }]),
  )
  const createdDirs = new Set<string>()
  const now = options.now ?? Date.now
  const foldersOf = createPartitionPaths(options.timeZone)
  const id = (topic: string, partition: number) => `${topic}\u0000${partition}`

  function statsOf(topic: string): TopicStats {
    const existing = stats.get(topic)
    if (existing !== undefined) return existing
    const fresh = { records: 0, deleted: 0, errors: 0, files: 0, bytes: 0 }
    stats.set(topic, fresh)
    return fresh
  }

  async function openBucket(
    topic: string,
    partition: number,
    window: Window,
    dir: string,
    area: LakeArea,
  ): Promise<Bucket> {
    const absoluteDir = join(options.root, dir)
    if (!createdDirs.has(absoluteDir)) {
      await mkdir(absoluteDir, { recursive: true })
      createdDirs.add(absoluteDir)
    }
    // Hidden and ending in .tmp: never read as lake data, and removed by recovery after a crash.
    const name = `.${topic}-p${partition}-${window.first}-${window.buckets.size}.${process.pid}.tmp`
    return { area, dir: absoluteDir, spool: createSpoolFile(join(absoluteDir, name)) }
  }

  async function flush(topic: string, partition: number): Promise<FlushedWindow | null> {
    const key = id(topic, partition)
    const window = windows.get(key)
    if (window === undefined) return null
    // Part numbers follow the sorted folder names, so a rerun over the same data names files alike.
    const dirs = [...window.buckets.keys()].sort()
    const staged: { temp: string; final: string }[] = []
    const topicStats = statsOf(topic)
    for (const [index, dir] of dirs.entries()) {
      const bucket = window.buckets.get(dir)
      if (bucket === undefined) continue
      const encoder = bucket.area === '_errors' ? options.errorEncoder : options.encoder
      const fileName = formatLakeFileName({
        topic,
        partition,
        firstOffset: window.first,
        lastOffset: window.last,
        part: index + 1,
        parts: dirs.length,
        extension: encoder.extension,
      })
      await bucket.spool.close()
      const temp = await encoder.finish(bucket.spool.path)
      topicStats.bytes += (await stat(temp)).size
      staged.push({ temp, final: join(bucket.dir, fileName) })
    }
    for (const { temp, final } of staged) await rename(temp, final)
    windows.delete(key)
    const nextOffset = window.last + 1n
    positions.set(key, nextOffset)
    topicStats.files += staged.length
    const flushed = { topic, partition, nextOffset, files: staged.map((s) => s.final) }
    await options.onFlushed?.(flushed)
    return flushed
  }

  /** Redelivered records (a consumer restart re-reads from the committed offset) are already held. */
  function isHeld(record: ConsumedRecord): boolean {
    const key = id(record.topic, record.partition)
    const window = windows.get(key)
    const expected = window === undefined ? positions.get(key) : window.last + 1n
    return expected !== undefined && record.offset < expected
  }

  async function place(
    record: ConsumedRecord,
    target: LakeTopic,
    encoded: EncodedLine,
    folderOf: (timestamp: number) => string,
  ): Promise<void> {
    const key = id(record.topic, record.partition)
    const topicStats = statsOf(record.topic)
    let area: LakeArea
    let line: LakeLine
    if (encoded.ok) {
      area = target.area
      line = encoded.line
      topicStats.records++
      if (encoded.deleted) topicStats.deleted++
    } else {
      area = '_errors'
      line = JSON.stringify({
        topic: record.topic,
        partition: record.partition,
        offset: Number(record.offset),
        timestamp: record.timestamp,
        reason: encoded.error.message,
        key: record.key === null ? null : record.key.toString('base64'),
        value: record.value === null ? null : record.value.toString('base64'),
      })
      topicStats.errors++
    }
    const dir =
      area === '_errors' ? foldersOf(area, record.topic)(record.timestamp) : folderOf(record.timestamp)
    const at = now()
    let window = windows.get(key)
    if (window === undefined) {
      window = {
        first: record.offset,
        last: record.offset,
        records: 0,
        bytes: 0,
        openedAt: at,
        lastAppendAt: at,
        buckets: new Map(),
      }
      windows.set(key, window)
    }
    let bucket = window.buckets.get(dir)
    if (bucket === undefined) {
      bucket = await openBucket(record.topic, record.partition, window, dir, area)
      window.buckets.set(dir, bucket)
    }
    const written = bucket.spool.append(line)
    if (written !== undefined) await written
    window.last = record.offset
    window.records++
    window.bytes += lineLength(line)
    window.lastAppendAt = at
    if (window.records >= options.maxRecords || window.bytes >= options.maxBytes)
      await flush(record.topic, record.partition)
  }

  return {
    /** The next offset this sink expects for a partition (set from the lake before reading). */
    setPosition(topic: string, partition: number, offset: bigint): void {
      positions.set(id(topic, partition), offset)
    },

    position(topic: string, partition: number): bigint | undefined {
      const window = windows.get(id(topic, partition))
      return window === undefined ? positions.get(id(topic, partition)) : window.last + 1n
    },

    /** Adds records of one partition in offset order; records already in the lake are skipped. */
    async append(records: readonly ConsumedRecord[]): Promise<number> {
      let added = 0
      // Per-partition lookups are made once for a run of records of the same partition (a batch).
      let topic: string | undefined
      let partition = -1
      let target: LakeTopic | undefined
      let folderOf = (_timestamp: number) => ''
      for (const record of records) {
        if (record.topic !== topic || record.partition !== partition) {
          topic = record.topic
          partition = record.partition
          target = byTopic.get(topic)
          if (target !== undefined) folderOf = foldersOf(target.area, topic)
        }
        if (target === undefined || isHeld(record)) continue
        await place(record, target, encodeRecordLine(record, target), folderOf)
        added++
      }
      return added
    },

    /**
     * Adds one record that was already encoded (a decode step ran before the writer, as in the Beam
     * pipeline); false when the record's topic is not sunk or the record is already held.
     */
    async appendEncoded(record: ConsumedRecord, encoded: EncodedLine): Promise<boolean> {
      const target = byTopic.get(record.topic)
      if (target === undefined || isHeld(record)) return false
      await place(record, target, encoded, foldersOf(target.area, record.topic))
      return true
    },

    flush,

    /** Flushes windows idle for `idleMs` or open for `maxAgeMs` (streaming mode's timer). */
    async flushStale(idleMs: number, maxAgeMs: number): Promise<FlushedWindow[]> {
      const at = now()
      const due = [...windows.entries()].filter(
        ([, w]) => at - w.lastAppendAt >= idleMs || at - w.openedAt >= maxAgeMs,
      )
      const flushed: FlushedWindow[] = []
      for (const [key] of due) {
        const [topic, partition] = key.split('\u0000') as [string, string]
        const done = await flush(topic, Number(partition))
        if (done !== null) flushed.push(done)
      }
      return flushed
    },

    async flushAll(): Promise<FlushedWindow[]> {
      const flushed: FlushedWindow[] = []
      for (const key of [...windows.keys()]) {
        const [topic, partition] = key.split('\u0000') as [string, string]
        const done = await flush(topic, Number(partition))
        if (done !== null) flushed.push(done)
      }
      return flushed
    },

    /** Records held in memory, not yet in the lake. */
    pendingRecords(): number {
      let total = 0
      for (const window of windows.values()) total += window.records
      return total
    },

    stats(): ReadonlyMap<string, TopicStats> {
      return stats
    },
  }
}

export type LakeSink = ReturnType<typeof createLakeSink>
