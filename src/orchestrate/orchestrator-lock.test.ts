import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCK_FILE, acquireOrchestratorLock } from './orchestrator-lock.ts'

const tempDir = () => mkdtemp(join(tmpdir(), 'dip-orch-lock-'))

describe('acquireOrchestratorLock', () => {
  it('writes our pid, and frees the lock on release', async () => {
    const dir = await tempDir()
    const lock = await acquireOrchestratorLock(dir)
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid))
    await lock.release()
    const again = await acquireOrchestratorLock(dir)
    await again.release()
  })

  it("refuses while a live process holds it, naming the holder's pid", async () => {
    const dir = await tempDir()
    await writeFile(join(dir, LOCK_FILE), '424242\n')
    await expect(acquireOrchestratorLock(dir, (pid) => pid === 424242)).rejects.toThrow(/pid 424242/)
  })

  it('takes over a stale lock of a dead pid', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, LOCK_FILE), '424242\n')
    const lock = await acquireOrchestratorLock(dir, () => false)
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid))
    await lock.release()
  })
})
