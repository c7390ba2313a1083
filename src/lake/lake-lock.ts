import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DipError } from '../shared/errors.ts'

export interface LakeLock {
  release(): Promise<void>
}

const LOCK_FILE = '.dip-lake.lock'

/**
 * One lake sink per lake root: two writers would both claim the same offsets. The lock file holds
 * the owner's pid; a lock whose process is gone (e.g. after kill -9) is taken over.
 */
export async function acquireLakeLock(root: string): Promise<LakeLock> {
  await mkdir(root, { recursive: true })
  const path = join(root, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(`${process.pid}\n`)
      await handle.close()
      return { release: () => rm(path, { force: true }) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim())
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner))
      throw new DipError('DIP_LOCKED', `another lake sink (pid ${owner}) is writing to ${root}`, {
        hint: `stop it first, or give this one another lake root (lake.root / DIP_LAKE_ROOT)`,
      })
    await rm(path, { force: true })
  }
  throw new DipError('DIP_LOCKED', `could not take the lake lock ${path}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
