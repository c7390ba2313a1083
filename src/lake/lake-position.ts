import { readdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { isTempFileName, parseLakeFileName, type LakeFileName } from './file-name.ts'
import type { LakeArea } from './partition-path.ts'

export interface LakeFile {
  /** Path relative to the lake root. */
  readonly path: string
  readonly name: LakeFileName
}

export interface PartitionRecovery {
  /** Next offset to sink; null when the lake holds nothing of this partition. */
  readonly nextOffset: bigint | null
  /** Files of a window that a crash left incomplete: delete them and sink that window again. */
  readonly discard: readonly string[]
}

const AREAS: readonly LakeArea[] = ['streams', 'tables', '_errors']

/**
 * Pure: where each partition resumes, from the file names alone. A sink renames one window's files
 * before it starts the next, so only the newest window of a partition can be incomplete; if one of
 * its `k of n` parts is missing, its files are discarded and the window is sunk again.
 */
export function planRecovery(files: readonly LakeFile[]): Map<number, PartitionRecovery> {
  const byPartition = new Map<number, LakeFile[]>()
  for (const file of files) {
    const list = byPartition.get(file.name.partition) ?? []
    if (list.length === 0) byPartition.set(file.name.partition, list)
    list.push(file)
  }
  const plan = new Map<number, PartitionRecovery>()
  for (const [partition, list] of byPartition) {
    let last = list[0]?.name.lastOffset ?? -1n
    for (const file of list) if (file.name.lastOffset > last) last = file.name.lastOffset
    const newest = list.filter((f) => f.name.lastOffset === last)
    const first = newest.reduce((min, f) => (f.name.firstOffset < min ? f.name.firstOffset : min), last)
    const window = newest.filter((f) => f.name.firstOffset === first)
    const expected = window[0]?.name.parts ?? 1
    const present = new Set(window.map((f) => f.name.part))
    const complete = window.every((f) => f.name.parts === expected) && present.size === expected
    if (complete) {
      plan.set(partition, { nextOffset: last + 1n, discard: [] })
      continue
    }
    let previous: bigint | null = null
    for (const file of list)
      if (file.name.lastOffset < first && (previous === null || file.name.lastOffset > previous))
        previous = file.name.lastOffset
    plan.set(partition, {
      nextOffset: previous === null ? null : previous + 1n,
      discard: newest.map((f) => f.path),
    })
  }
  return plan
}

export interface TopicScan {
  readonly files: readonly LakeFile[]
  /** Temp files a killed sink left behind (relative paths). */
  readonly temps: readonly string[]
}

/** Lists one topic's lake files in every area (a topic may have moved between streams and tables). */
export async function scanTopic(root: string, topic: string): Promise<TopicScan> {
  const files: LakeFile[] = []
  const temps: string[] = []
  for (const area of AREAS) {
    const dir = join(area, topic)
    let entries: string[]
    try {
      entries = await readdir(join(root, dir), { recursive: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    for (const entry of entries) {
      const name = basename(entry)
      const path = join(dir, entry)
      if (isTempFileName(name)) {
        temps.push(path)
        continue
      }
      const parsed = parseLakeFileName(name)
      if (parsed !== null && parsed.topic === topic) files.push({ path, name: parsed })
    }
  }
  return { files, temps }
}

export interface TopicRecovery {
  readonly positions: ReadonlyMap<number, bigint>
  /** Relative paths removed: temp files and the parts of interrupted windows. */
  readonly removed: readonly string[]
  readonly fileCount: number
}

/** Scans a topic, removes what a crash left half-done, and returns where each partition resumes. */
export async function recoverTopic(root: string, topic: string): Promise<TopicRecovery> {
  const scan = await scanTopic(root, topic)
  const plan = planRecovery(scan.files)
  const removed = [...scan.temps, ...[...plan.values()].flatMap((p) => p.discard)]
  for (const path of removed) await rm(join(root, path), { force: true })
  const positions = new Map<number, bigint>()
  for (const [partition, recovery] of plan)
    if (recovery.nextOffset !== null) positions.set(partition, recovery.nextOffset)
  return { positions, removed, fileCount: scan.files.length - (removed.length - scan.temps.length) }
}
