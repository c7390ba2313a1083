import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findProcesses, isAlive, readPidFile, spawnDetached, stopProcess } from './processes.ts'

let dir: string
const started: number[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-proc-'))
})
afterEach(async () => {
  for (const pid of started.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

/** A node process whose command line carries `marker`, optionally ignoring SIGTERM. */
async function sleeper(marker: string, ignoreTerm: boolean) {
  const script = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} console.log('ready'); setInterval(() => {}, 1000) // ${marker}`
  const spawned = await spawnDetached({
    command: process.execPath,
    args: ['-e', script],
    logFile: join(dir, 'logs', 'sleeper.log'),
    pidFile: join(dir, 'run', 'sleeper.pid'),
  })
  started.push(spawned.pid)
  return spawned
}

describe('pid files', () => {
  it('trusts a pid file only when the live process carries our marker', async () => {
    const spawned = await sleeper(`${dir}/data`, false)
    const pidFile = join(dir, 'run', 'sleeper.pid')
    expect(readPidFile(pidFile, `${dir}/data`)).toEqual({ kind: 'running', pid: spawned.pid })
    expect(readPidFile(pidFile, '/some/other/dir')).toEqual({ kind: 'stale', pid: spawned.pid })
    expect(findProcesses(`${dir}/data`)).toEqual([spawned.pid])
  })

  it('reports a dead pid or garbage as stale, and no file as none', async () => {
    const child = spawn(process.execPath, ['-e', ''])
    const deadPid = child.pid ?? 0
    await new Promise((resolve) => child.once('exit', resolve))
    const pidFile = join(dir, 'x.pid')
    await writeFile(pidFile, `${deadPid}\n`)
    expect(readPidFile(pidFile, dir)).toEqual({ kind: 'stale', pid: deadPid })
    await writeFile(pidFile, 'not a pid')
    expect(readPidFile(pidFile, dir)).toEqual({ kind: 'stale', pid: null })
    expect(readPidFile(join(dir, 'missing.pid'), dir)).toEqual({ kind: 'none' })
  })
})

describe('stopProcess', () => {
  it('stops a well-behaved process with SIGTERM', async () => {
    const spawned = await sleeper(dir, false)
    expect(await stopProcess(spawned.pid, 10_000)).toEqual({ forced: false })
    expect(isAlive(spawned.pid)).toBe(false)
  })

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const spawned = await sleeper(dir, true)
    // Signal only once the SIGTERM handler is installed (it prints "ready" after installing it).
    while (!(await readFile(join(dir, 'logs', 'sleeper.log'), 'utf8').catch(() => '')).includes('ready'))
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await stopProcess(spawned.pid, 200)).toEqual({ forced: true })
    expect(isAlive(spawned.pid)).toBe(false)
  })
})
