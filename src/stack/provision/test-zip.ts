import { crc32, deflateRawSync } from 'node:zlib'

/** Builds a zip in memory for tests: stored or deflated files, Unix modes, directories, symlinks. */
export interface TestZipEntry {
  readonly name: string
  readonly data?: Buffer | string
  readonly mode?: number
  readonly deflate?: boolean
  readonly symlinkTo?: string
}

export function makeZip(entries: readonly TestZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const isDir = entry.name.endsWith('/')
    const raw = Buffer.from(entry.symlinkTo ?? entry.data ?? '')
    const method = entry.deflate === true ? 8 : 0
    const stored = method === 8 ? deflateRawSync(raw) : raw
    const type = entry.symlinkTo !== undefined ? 0o120000 : isDir ? 0o040000 : 0o100000
    const mode = type | (entry.mode ?? (isDir ? 0o755 : 0o644))
    const name = Buffer.from(entry.name)
    const crc = crc32(raw)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(stored.length, 18)
    local.writeUInt32LE(raw.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(stored.length, 20)
    central.writeUInt32LE(raw.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE((mode << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, stored)
    centrals.push(central, name)
    offset += local.length + name.length + stored.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
