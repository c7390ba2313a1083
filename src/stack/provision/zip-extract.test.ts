import { lstat, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isDipError } from '../../shared/errors.ts'
import { makeZip } from './test-zip.ts'
import { extractZip, readZipEntries } from './zip-extract.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-zip-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const big = 'x'.repeat(100_000) + 'end'
const sample = () =>
  makeZip([
    { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' },
    { name: 'pkg/server/' },
    { name: 'pkg/server/bin/mariadbd', data: '#!/bin/sh\necho hi\n', mode: 0o755, deflate: true },
    { name: 'pkg/server/share/big.txt', data: big, deflate: true },
    { name: 'pkg/server/share/empty.txt', data: '' },
    { name: 'pkg/server/lib/libx.so', symlinkTo: 'libx.so.3' },
  ])

async function zipFile(bytes: Buffer): Promise<string> {
  const file = join(dir, 'a.jar')
  await writeFile(file, bytes)
  return file
}

describe('extractZip', () => {
  it('unpacks the entries under the prefix with their modes and symlinks, and nothing else', async () => {
    const file = await zipFile(sample())
    const dest = join(dir, 'out')
    const progress: number[] = []
    const files = await extractZip(file, dest, {
      prefix: 'pkg/server/',
      onProgress: (bytes) => progress.push(bytes),
    })
    expect(files).toBe(4)
    expect(await readFile(join(dest, 'bin/mariadbd'), 'utf8')).toBe('#!/bin/sh\necho hi\n')
    expect((await stat(join(dest, 'bin/mariadbd'))).mode & 0o777).toBe(0o755)
    expect(await readFile(join(dest, 'share/big.txt'), 'utf8')).toBe(big)
    expect(await readFile(join(dest, 'share/empty.txt'), 'utf8')).toBe('')
    expect((await lstat(join(dest, 'lib/libx.so'))).isSymbolicLink()).toBe(true)
    expect(await readlink(join(dest, 'lib/libx.so'))).toBe('libx.so.3')
    await expect(stat(join(dest, 'META-INF'))).rejects.toThrow()
    expect(progress.at(-1)).toBe(18 + big.length)
  })

  it('refuses a truncated archive, naming the file and the fix', async () => {
    const whole = sample()
    const file = await zipFile(whole.subarray(0, Math.floor(whole.length / 2)))
    const error = await extractZip(file, join(dir, 'out'), { prefix: 'pkg/server/' }).catch(
      (caught: unknown) => caught,
    )
    expect(isDipError(error)).toBe(true)
    expect((error as Error).message).toContain(file)
    expect((error as Error).message).toContain('truncated')
    expect((error as { hint?: string }).hint).toContain(`Delete ${file}`)
  })

  it('refuses an entry whose bytes were altered (CRC-32 check)', async () => {
    const plain = makeZip([{ name: 'p/a.txt', data: 'hello world' }])
    // Stored entries are plain bytes: change one, keep the recorded CRC.
    plain[plain.indexOf('hello')] = 'j'.charCodeAt(0)
    const file = await zipFile(plain)
    await expect(extractZip(file, join(dir, 'out'), { prefix: 'p/' })).rejects.toThrow(/CRC/)
  })

  it('refuses entries that would land outside the destination', async () => {
    const file = await zipFile(makeZip([{ name: 'p/../../evil.sh', data: 'x' }]))
    await expect(extractZip(file, join(dir, 'out'), { prefix: 'p/' })).rejects.toThrow(/outside/)
  })

  it('reads the central directory of a real-shaped archive', async () => {
    const entries = await readZipEntries(await zipFile(sample()))
    expect(entries.map((entry) => entry.name)).toContain('pkg/server/bin/mariadbd')
    expect(entries.find((entry) => entry.name === 'pkg/server/')?.isDirectory).toBe(true)
  })
})
