import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSpoolFile } from './spool-file.ts'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-spool-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('createSpoolFile', () => {
  it('writes lines in buffered chunks and everything on close', async () => {
    const spool = createSpoolFile(join(dir, 'a.tmp'), { bufferBytes: 10 })
    expect(spool.append('{"a":1}')).toBeUndefined()
    await spool.append('{"a":2}')
    // The first buffer reached 10 bytes and is on disk before close.
    expect((await readFile(spool.path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2)
    spool.append('{"a":3}')
    await spool.close()
    expect(await readFile(spool.path, 'utf8')).toBe('{"a":1}\n{"a":2}\n{"a":3}\n')
  })

  it('creates an empty file when closed without lines, and discard removes it', async () => {
    const spool = createSpoolFile(join(dir, 'b.tmp'))
    await spool.close()
    expect((await stat(spool.path)).size).toBe(0)
    await spool.discard()
    await expect(stat(spool.path)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
