import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { execa } from 'execa'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { nativePaths } from '../../src/stack/native/native-paths.ts'
import { findProcesses } from '../../src/stack/native/processes.ts'
import { runDip, scratchStack, type ScratchStack } from './dip-cli.ts'

interface StatusJson {
  mode: string
  healthy: boolean
  services: {
    name: string
    pid: number | null
    port: number
    healthy: boolean
    version: string | null
    detail?: string
  }[]
}

/** `pgrep -f <dir>`: the operating system's own view of what still runs on our data dir. */
async function pgrep(pattern: string): Promise<string> {
  const result = await execa('pgrep', ['-f', pattern], { reject: false })
  return String(result.stdout).trim()
}

describe('dip status against the integration stack', () => {
  it('reports Kafka and MySQL healthy with pids, ports and versions', async () => {
    const stack = inject('stack')
    const result = await runDip(['--config', stack.configFile, 'status', '--json', '--mode', 'native'])
    expect(result.exitCode).toBe(0)
    const status = JSON.parse(result.stdout) as StatusJson
    expect(status).toMatchObject({ mode: 'native', healthy: true })
    const kafka = status.services.find((s) => s.name === 'kafka')
    const mysql = status.services.find((s) => s.name === 'mysql')
    expect(kafka).toMatchObject({ healthy: true, port: Number(stack.brokers[0]?.split(':')[1]) })
    expect(mysql).toMatchObject({ healthy: true, port: stack.mysql.port })
    expect(kafka?.pid).toBeGreaterThan(0)
    expect(mysql?.version).toMatch(/MariaDB|^\d+\.\d+/)
  })
})

describe('dip up / down lifecycle (a stack of its own, MySQL user other than root)', () => {
  let scratch: ScratchStack
  beforeAll(async () => {
    scratch = await scratchStack({ mysqlUser: 'lab' })
  })
  afterAll(() => scratch.cleanup())

  it('replaces a stale pid file, starts both services, and a second up restarts nothing', async () => {
    const paths = nativePaths(scratch.stateDir)
    // A live pid that is not ours (this test process) must be recognised as stale, not signalled.
    await mkdir(paths.runDir, { recursive: true })
    await writeFile(paths.kafkaPid, `${process.pid}\n`)
    const before = await runDip(['--config', scratch.configFile, 'status', '--json', '--mode', 'native'])
    expect(before.exitCode).toBe(1)
    const staleKafka = (JSON.parse(before.stdout) as StatusJson).services.find((s) => s.name === 'kafka')
    expect(staleKafka?.detail).toMatch(/stale pid file/)

    const first = await runDip(['--config', scratch.configFile, 'up', '--mode', 'native'])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).toContain(`removed stale pid file ${paths.kafkaPid}`)
    expect(first.stdout).toMatch(/kafka\s+127\.0\.0\.1:\d+\s+\d+\s+started/)

    const status = JSON.parse(
      (await runDip(['--config', scratch.configFile, 'status', '--json'])).stdout,
    ) as StatusJson
    expect(status.healthy).toBe(true)
    expect(status.services.map((s) => s.name)).toEqual(['kafka', 'mysql', 'ksqldb'])
    const pids = status.services.map((s) => s.pid)
    const lab = await mysql.createConnection({
      host: '127.0.0.1',
      port: scratch.mysqlPort,
      user: 'lab',
      password: 'scratch-pw',
      database: 'tp3',
    })
    try {
      await lab.query('CREATE TABLE lab_can_write (id INT PRIMARY KEY)')
      const [accounts] = await lab.query<mysql.RowDataPacket[]>(
        "SELECT CONCAT(User, '@', Host) AS account FROM mysql.user WHERE User IN ('', 'root', 'lab') ORDER BY 1",
      )
      // No password-less root@<hostname>, root@::1 or anonymous accounts left by install-db.
      expect(accounts.map((row) => row['account'])).toEqual([
        'lab@127.0.0.1',
        'lab@localhost',
        'root@127.0.0.1',
        'root@localhost',
      ])
    } finally {
      await lab.end()
    }

    const second = await runDip(['--config', scratch.configFile, 'up', '--json'])
    expect(second.exitCode, second.stderr).toBe(0)
    const again = JSON.parse(second.stdout) as {
      alreadyRunning: boolean
      services: { pid: number; started: boolean }[]
    }
    expect(again.alreadyRunning).toBe(true)
    expect(again.services.map((s) => s.pid)).toEqual(pids)
    expect(again.services.every((s) => !s.started)).toBe(true)
  })

  it('dip logs prints the tail of each service log', async () => {
    const result = await runDip(['--config', scratch.configFile, 'logs', 'mysql', '-n', '5'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout.trim().split('\n').length).toBeLessThanOrEqual(5)
    expect(result.stdout).toMatch(/\S/)
  })

  it('dip down stops everything and leaves no process on the data dir', async () => {
    const result = await runDip(['--config', scratch.configFile, 'down'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/stopped ksqldb, mysql, kafka/)
    expect(findProcesses(scratch.stateDir)).toEqual([])
    expect(await pgrep(scratch.stateDir)).toBe('')
    expect(existsSync(nativePaths(scratch.stateDir).kafkaPid)).toBe(false)

    const idle = await runDip(['--config', scratch.configFile, 'down'])
    expect(idle.exitCode).toBe(0)
    expect(idle.stdout).toMatch(/nothing was running/)
  })

  it('up with another MySQL password than the data dir was set up with: says so, leaves nothing running', async () => {
    const otherPassword = join(scratch.dir, 'other-password.yaml')
    const text = await readFile(scratch.configFile, 'utf8')
    await writeFile(otherPassword, text.replace('scratch-pw', 'another-pw'))
    const result = await runDip(['--config', otherPassword, 'up', '--mode', 'native'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('rejects user lab with the configured password')
    expect(result.stderr).toContain('dip down --purge')
    expect(findProcesses(scratch.stateDir)).toEqual([])
  })

  it('down --purge deletes the state', async () => {
    const result = await runDip(['--config', scratch.configFile, 'down', '--purge'])
    expect(result.exitCode).toBe(0)
    const paths = nativePaths(scratch.stateDir)
    for (const dir of [paths.kafkaDir, paths.mysqlDir, paths.logsDir, paths.runDir])
      expect(existsSync(dir)).toBe(false)
  })
})

describe('dip up refuses to start when', () => {
  let scratch: ScratchStack
  let server: Server | undefined
  beforeAll(async () => {
    scratch = await scratchStack()
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
    await scratch.cleanup()
  })

  it('a port is taken by another process: names the port, the key and the holder, starts nothing', async () => {
    server = createServer()
    await new Promise<void>((resolve) => server?.listen(scratch.mysqlPort, '127.0.0.1', resolve))
    const result = await runDip(['--config', scratch.configFile, 'up', '--mode', 'native'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(
      `Port ${scratch.mysqlPort} (mysql.port) is already in use by pid ${process.pid}`,
    )
    expect(result.stderr).toMatch(/fix: .*DIP_MYSQL_PORT/)
    expect(findProcesses(scratch.stateDir)).toEqual([])
    await new Promise<void>((resolve) => server?.close(() => resolve()))
    server = undefined
  })

  it('a data dir is corrupt: names the path and the fix', async () => {
    const paths = nativePaths(scratch.stateDir)
    await mkdir(paths.mysqlDataDir, { recursive: true })
    await writeFile(join(paths.mysqlDataDir, 'garbage.bin'), 'not a database')
    const result = await runDip(['--config', scratch.configFile, 'up', '--mode', 'native'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`The MySQL data dir ${paths.mysqlDataDir} is not usable`)
    expect(result.stderr).toContain('dip down --purge')
    expect(findProcesses(scratch.stateDir)).toEqual([])
  })

  it('Kafka is not provisioned and Maven is missing: says what to install, starts nothing', async () => {
    // `dip up` fetches what is missing itself; without mvn it cannot fetch Kafka.
    const emptyCache = join(scratch.dir, 'empty-cache')
    const result = await runDip(['--config', scratch.configFile, 'up', '--mode', 'native'], {
      env: { DIP_CACHE_DIR: emptyCache, PATH: '/nonexistent-dir-for-dip' },
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/Maven \(mvn\) is not installed; it is needed to download Kafka/)
    expect(result.stderr).toContain('dip setup')
    expect(existsSync(join(scratch.stateDir, 'run', 'kafka.pid'))).toBe(false)
  })

  it('the config is invalid: exit 2 and every bad key listed', async () => {
    const bad = join(scratch.dir, 'bad.yaml')
    await writeFile(
      bad,
      'mysql:\n  port: 99999\nkafka:\n  brokers: [nohostport]\nstack:\n  mode: sideways\n  colour: red\n',
    )
    const result = await runDip(['--config', bad, 'up'])
    expect(result.exitCode).toBe(2)
    for (const key of ['mysql.port', 'kafka.brokers.0', 'stack.mode', 'stack.colour: unknown key'])
      expect(result.stderr).toContain(key)
  })
})

describe('dip setup and dip doctor on this machine', () => {
  it('setup a second time downloads nothing (the global setup provisioned Kafka)', async () => {
    const stack = inject('stack')
    const result = await runDip(['--config', stack.configFile, 'setup', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const setup = JSON.parse(result.stdout) as { kafka: { downloaded: boolean; home: string } }
    expect(setup.kafka).toMatchObject({ downloaded: false, home: stack.kafkaHome })
  })

  it('doctor names a taken port, its holder and the fix, and exits 1', async () => {
    const scratch = await scratchStack()
    const server = createServer()
    try {
      await new Promise<void>((resolve) => server.listen(scratch.controllerPort, '127.0.0.1', resolve))
      const result = await runDip(['--config', scratch.configFile, 'doctor', '--json'])
      expect(result.exitCode).toBe(1)
      const report = JSON.parse(result.stdout) as {
        ok: boolean
        checks: { name: string; status: string; detail: string; fix?: string }[]
      }
      expect(report.ok).toBe(false)
      const port = report.checks.find((check) => check.name === `port ${scratch.controllerPort}`)
      expect(port).toMatchObject({ status: 'fail' })
      expect(port?.detail).toContain(`pid ${process.pid}`)
      expect(port?.fix).toContain('kafka.controllerPort')
      expect(report.checks.find((check) => check.name === 'java')?.status).toBe('ok')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await scratch.cleanup()
    }
  })
})
