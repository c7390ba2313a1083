import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { acquireLakeLock } from './lake-lock.ts'

let root = ''
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dip-lake-lock-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('acquireLakeLock', () => {
  it('refuses a second sink while the owner is alive, naming its pid', async () => {
    // The parent process stands in for another live sink.
    await writeFile(join(root, '.dip-lake.lock'), `${process.ppid}\n`)
    await expect(acquireLakeLock(root)).rejects.toMatchObject({
      code: 'DIP_LOCKED',
      message: expect.stringContaining(`pid ${process.ppid}`) as unknown,
    })
  })

  it('takes over the lock of a dead owner and releases it', async () => {
    await writeFile(join(root, '.dip-lake.lock'), '2147483646\n')
    const lock = await acquireLakeLock(root)
    expect((await readFile(join(root, '.dip-lake.lock'), 'utf8')).trim()).toBe(String(process.pid))
    await lock.release()
    const again = await acquireLakeLock(root)
    await again.release()
  })
})
