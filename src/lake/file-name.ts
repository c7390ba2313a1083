/**
 * Lake file names carry the position they hold, so the lake itself records how far a sink got:
 * `<TOPIC>-p<PARTITION>-<FIRST>-<LAST>[.<k>of<n>].<ext>`, numbers zero-padded so names sort by offset.
 *
 * One flush of a partition ("window", offsets FIRST..LAST) writes one file per date folder (and one
 * for dead letters). When it writes several, each is named `.<k>of<n>`, so a reader can tell a
 * complete window from one a crash interrupted halfway through its renames.
 */
export interface LakeFileName {
  readonly topic: string
  readonly partition: number
  readonly firstOffset: bigint
  readonly lastOffset: bigint
  /** 1-based part number and part count of the window; 1 of 1 for single-file windows. */
  readonly part: number
  readonly parts: number
  readonly extension: 'jsonl' | 'parquet'
}

const PATTERN = /^(.+)-p(\d{5,})-(\d{20})-(\d{20})(?:\.(\d+)of(\d+))?\.(jsonl|parquet)$/

export function formatLakeFileName(name: LakeFileName): string {
  const parts = name.parts > 1 ? `.${name.part}of${name.parts}` : ''
  return (
    `${name.topic}-p${String(name.partition).padStart(5, '0')}` +
    `-${name.firstOffset.toString().padStart(20, '0')}-${name.lastOffset.toString().padStart(20, '0')}` +
    `${parts}.${name.extension}`
  )
}

/** null for names dip did not write (temp files, notes, other tools' files). */
export function parseLakeFileName(fileName: string): LakeFileName | null {
  const match = PATTERN.exec(fileName)
  if (match === null) return null
  const [, topic, partition, first, last, part, parts, extension] = match
  return {
    topic: topic ?? '',
    partition: Number(partition),
    firstOffset: BigInt(first ?? '0'),
    lastOffset: BigInt(last ?? '0'),
    part: part === undefined ? 1 : Number(part),
    parts: parts === undefined ? 1 : Number(parts),
    extension: extension === 'parquet' ? 'parquet' : 'jsonl',
  }
}

/** Temp files are hidden and end in `.tmp`, so globs such as `*.jsonl` never read half-written data. */
export function tempFileName(fileName: string): string {
  return `.${fileName}.${process.pid}.tmp`
}

export function isTempFileName(fileName: string): boolean {
  return fileName.startsWith('.') && fileName.endsWith('.tmp')
}
