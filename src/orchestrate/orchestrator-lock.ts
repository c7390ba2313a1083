import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DipError } from '../shared/errors.ts'

export interface OrchestratorLock {
  readonly path: string
  release(): Promise<void>
}

export const LOCK_FILE = 'orchestrate.lock'

/**
 * One orchestrator per state dir: the lock file holds the owner's pid. A lock whose pid is no
 * longer alive (a crash, kill -9) is taken over; a live one makes the second orchestrator refuse.
 */
export async function acquireOrchestratorLock(
  stateDir: string,
  isAlive: (pid: number) => boolean = pidAlive,
): Promise<OrchestratorLock> {
  await mkdir(stateDir, { recursive: true })
  const path = join(stateDir, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(`${process.pid}\n`)
      await handle.close()
      return { path, release: () => rm(path, { force: true }) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10)
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder))
      throw new DipError('DIP_LOCKED', `another dip orchestrate (pid ${holder}) holds ${path}.`, {
        hint: `stop it first (kill ${holder}), or give this one another state dir (DIP_STATE_DIR).`,
      })
    // Stale: its owner is gone. Remove and try again (another starter may win the race).
    await rm(path, { force: true })
  }
  throw new DipError('DIP_LOCKED', `could not take the orchestrator lock ${path}.`, {
    hint: 'another orchestrator is starting at the same time; try again.',
  })
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
