import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { sleep } from '../../shared/sleep.ts'

/**
 * Long-lived service processes of the native stack: spawned detached (they outlive `dip up`),
 * output appended to a log file, pid kept in a pid file. A pid file is trusted only when the pid
 * is alive AND its command line names our data dir, so a recycled pid is never signalled.
 */
export interface SpawnSpec {
  readonly command: string
  readonly args: readonly string[]
  readonly logFile: string
  readonly pidFile: string
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string | undefined>>
}

export interface Spawned {
  readonly pid: number
  /** Set once the process has exited (while this dip process still watches it). */
  exited(): { code: number | null; signal: string | null } | undefined
}

export async function spawnDetached(spec: SpawnSpec): Promise<Spawned> {
  await mkdir(dirname(spec.logFile), { recursive: true })
  await mkdir(dirname(spec.pidFile), { recursive: true })
  const fd = openSync(spec.logFile, 'a')
  let exit: { code: number | null; signal: string | null } | undefined
  try {
    const child = spawn(spec.command, [...spec.args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
      env: { ...process.env, ...spec.env },
    })
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject)
      child.once('spawn', () => resolve(child.pid ?? -1))
    })
    child.once('exit', (code, signal) => (exit = { code, signal }))
    child.unref()
    await writeFile(spec.pidFile, `${pid}\n`)
    return { pid, exited: () => exit }
  } finally {
    closeSync(fd)
  }
}

export type PidState =
  | { readonly kind: 'none' }
  | { readonly kind: 'running'; readonly pid: number }
  /** The file names a pid that is dead or belongs to another program. */
  | { readonly kind: 'stale'; readonly pid: number | null }

/** Reads a pid file and checks the process is alive and ours (its command line contains `marker`). */
export function readPidFile(pidFile: string, marker: string): PidState {
  if (!existsSync(pidFile)) return { kind: 'none' }
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10)
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'stale', pid: null }
  return isOurProcess(pid, marker) ? { kind: 'running', pid } : { kind: 'stale', pid }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A zombie (exited, not yet reaped by its parent) still answers signal 0.
  const stat = readProc(`/proc/${pid}/stat`)
  return stat === undefined || !/^\d+ \(.*\) Z /.test(stat)
}

export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false
  const cmdline = readProc(`/proc/${pid}/cmdline`)
  // Without /proc (macOS) a live pid is the best evidence there is.
  return cmdline === undefined ? true : cmdline.split('\0').some((arg) => arg.includes(marker))
}

/** Every live process whose command line contains `marker` (our data dir): the `pgrep -f` check. */
export function findProcesses(marker: string): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  return entries
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .map(Number)
    .filter((pid) => {
      const cmdline = readProc(`/proc/${pid}/cmdline`)
      return cmdline !== undefined && cmdline.includes(marker) && isAlive(pid)
    })
}

/** SIGTERM, wait up to `timeoutMs`, then SIGKILL. Resolves true when it had to kill. */
export async function stopProcess(pid: number, timeoutMs: number): Promise<{ forced: boolean }> {
  if (!signal(pid, 'SIGTERM')) return { forced: false }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return { forced: false }
    await sleep(100)
  }
  signal(pid, 'SIGKILL')
  const killDeadline = Date.now() + 5_000
  while (isAlive(pid) && Date.now() < killDeadline) await sleep(50)
  return { forced: true }
}

export async function removePidFile(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true })
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch {
    return false
  }
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
