import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, symlink } from 'node:fs/promises'
import { dirname, join, normalize, sep } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32, createInflateRaw } from 'node:zlib'
import { DipError } from '../../shared/errors.ts'

/**
 * A small reader for the zip files Maven Central serves (jars): the central directory, stored and
 * deflated entries, Unix modes and symlinks. Every entry's size and CRC-32 are checked, so a
 * truncated or corrupt archive fails with a DipError naming the file instead of unpacking a server
 * that crashes later. Zip64 is refused (the archives dip unpacks are far below 4 GB).
 */
export interface ZipEntry {
  readonly name: string
  readonly method: number
  readonly crc: number
  readonly compressedSize: number
  readonly size: number
  /** Unix mode bits from the external attributes, 0 when the archive has none. */
  readonly mode: number
  readonly isDirectory: boolean
  readonly isSymlink: boolean
  readonly localHeaderOffset: number
}

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const EOCD_MIN = 22
const MAX_COMMENT = 0xffff
const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000

export async function readZipEntries(file: string): Promise<ZipEntry[]> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT)
    const tail = Buffer.alloc(tailLength)
    await handle.read(tail, 0, tailLength, size - tailLength)
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    if (eocd < 0 || eocd + EOCD_MIN > tailLength || tail.readUInt32LE(eocd) !== EOCD_SIGNATURE)
      throw corrupt(file, 'no end-of-central-directory record (the file is truncated or not a zip)')
    const count = tail.readUInt16LE(eocd + 10)
    const directorySize = tail.readUInt32LE(eocd + 12)
    const directoryOffset = tail.readUInt32LE(eocd + 16)
    if (count === 0xffff || directoryOffset === 0xffffffff)
      throw corrupt(file, 'a zip64 archive, which dip does not unpack')
    if (directoryOffset + directorySize > size)
      throw corrupt(file, `its central directory ends past the file's ${size} bytes (truncated)`)
    const directory = Buffer.alloc(directorySize)
    await handle.read(directory, 0, directorySize, directoryOffset)
    return parseCentralDirectory(directory, count, file)
  } finally {
    await handle.close()
  }
}

function parseCentralDirectory(directory: Buffer, count: number, file: string): ZipEntry[] {
  const entries: ZipEntry[] = []
  let at = 0
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE)
      throw corrupt(file, `central directory entry ${index + 1} of ${count} is damaged`)
    const nameLength = directory.readUInt16LE(at + 28)
    const extraLength = directory.readUInt16LE(at + 30)
    const commentLength = directory.readUInt16LE(at + 32)
    const madeBy = directory.readUInt16LE(at + 4) >> 8
    const external = directory.readUInt32LE(at + 38)
    // Only archives made on Unix (host 3) carry a mode in the upper 16 bits.
    const mode = madeBy === 3 ? external >>> 16 : 0
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength)
    entries.push({
      name,
      method: directory.readUInt16LE(at + 10),
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      mode: mode & 0o7777,
      isDirectory: name.endsWith('/') || (mode & S_IFMT) === S_IFDIR,
      isSymlink: (mode & S_IFMT) === S_IFLNK,
      localHeaderOffset: directory.readUInt32LE(at + 42),
    })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

export interface ExtractOptions {
  /** Only entries under this folder of the archive, written without it. */
  readonly prefix: string
  readonly onProgress?: (bytesWritten: number, totalBytes: number) => void
  readonly signal?: AbortSignal
}

/** Unpacks the entries under `prefix` into `dest`; returns the number of files written. */
export async function extractZip(file: string, dest: string, options: ExtractOptions): Promise<number> {
  const entries = (await readZipEntries(file)).filter(
    (entry) => entry.name.startsWith(options.prefix) && entry.name.length > options.prefix.length,
  )
  if (entries.length === 0) throw corrupt(file, `it holds nothing under ${options.prefix}`)
  const total = entries.reduce((sum, entry) => sum + entry.size, 0)
  let written = 0
  let files = 0
  for (const entry of entries) {
    options.signal?.throwIfAborted()
    const target = safeTarget(dest, entry.name.slice(options.prefix.length), file)
    if (entry.isDirectory) {
      await mkdir(target, { recursive: true })
      continue
    }
    await mkdir(dirname(target), { recursive: true })
    const dataOffset = await localDataOffset(file, entry)
    if (entry.isSymlink) {
      const linkTarget = (await readEntryBytes(file, entry, dataOffset)).toString('utf8')
      await symlink(linkTarget, target)
    } else {
      await writeEntry(file, entry, dataOffset, target, (bytes) => {
        written += bytes
        options.onProgress?.(written, total)
      })
    }
    files++
  }
  return files
}

async function localDataOffset(file: string, entry: ZipEntry): Promise<number> {
  const handle = await open(file, 'r')
  try {
    const header = Buffer.alloc(30)
    const { bytesRead } = await handle.read(header, 0, 30, entry.localHeaderOffset)
    if (bytesRead < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE)
      throw corrupt(file, `the local header of ${entry.name} is damaged`)
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
  } finally {
    await handle.close()
  }
}

async function writeEntry(
  file: string,
  entry: ZipEntry,
  dataOffset: number,
  target: string,
  onBytes: (bytes: number) => void,
): Promise<void> {
  let crc = 0
  let size = 0
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = crc32(chunk, crc)
      size += chunk.length
      onBytes(chunk.length)
      callback(null, chunk)
    },
  })
  const source = rawStream(file, entry, dataOffset)
  const stages = entry.method === 8 ? [source, createInflateRaw(), check] : [source, check]
  try {
    await pipeline([...stages, createWriteStream(target, { mode: entry.mode & 0o777 || 0o644 })])
  } catch (error) {
    throw corrupt(file, `${entry.name} does not inflate (${(error as Error).message})`, error)
  }
  if (size !== entry.size || crc !== entry.crc)
    throw corrupt(
      file,
      `${entry.name} has ${size} bytes with CRC ${hex(crc)}, expected ${entry.size} / ${hex(entry.crc)}`,
    )
}

async function readEntryBytes(file: string, entry: ZipEntry, dataOffset: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  const source = rawStream(file, entry, dataOffset)
  const stream = entry.method === 8 ? source.pipe(createInflateRaw()) : source
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function rawStream(file: string, entry: ZipEntry, dataOffset: number) {
  if (entry.method !== 0 && entry.method !== 8)
    throw corrupt(
      file,
      `${entry.name} uses compression method ${entry.method} (only stored and deflated are read)`,
    )
  // createReadStream's end is inclusive, so an empty entry gets an empty stream of its own.
  return entry.compressedSize === 0
    ? Readable.from([])
    : createReadStream(file, { start: dataOffset, end: dataOffset + entry.compressedSize - 1 })
}

/** Refuses entries that would land outside `dest` ("zip slip"). */
function safeTarget(dest: string, relative: string, file: string): string {
  const cleaned = normalize(relative)
  if (cleaned.startsWith('..') || cleaned.startsWith(sep) || cleaned.includes(`${sep}..${sep}`))
    throw corrupt(file, `entry ${relative} points outside the folder it is unpacked into`)
  return join(dest, cleaned)
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0')
}

function corrupt(file: string, problem: string, cause?: unknown): DipError {
  return new DipError('DIP_PREREQUISITE', `${file} is not a usable archive: ${problem}.`, {
    hint: `Delete ${file} and run the command again: dip downloads it afresh.`,
    ...(cause === undefined ? {} : { cause }),
  })
}
