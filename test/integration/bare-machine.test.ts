import { readFileSync, readlinkSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execa, execaSync } from 'execa'
import mysql from 'mysql2/promise'
import { afterAll, describe, expect, it } from 'vitest'
import { cacheDir } from '../../src/stack/provision/cache-dir.ts'
import { freePort } from '../../src/stack/native/port-check.ts'
import { findProcesses, stopProcess } from '../../src/stack/native/processes.ts'
import { runDip } from './dip-cli.ts'

/**
 * `dip lab` on a machine without a MySQL/MariaDB server: /usr/sbin (where distributions put
 * mariadbd/mysqld) is hidden under an empty tmpfs in a private mount namespace, so only the bundled
 * server from dip's cache can run. Needs root for `unshare -m`, as CI has.
 */
const BIN = resolve(import.meta.dirname, '../../bin/dip.js')
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const hasUnshare = execaSync('unshare', ['--version'], { reject: false }).exitCode === 0

describe.skipIf(!isRoot || !hasUnshare)('a bare machine (no system MySQL server)', () => {
  let workDir: string | undefined
  let env: Record<string, string> = {}

  afterAll(async () => {
    if (workDir === undefined) return
    await runDip(['down'], { cwd: workDir, env })
    for (const pid of findProcesses(workDir)) await stopProcess(pid, 5_000)
    await rm(workDir, { recursive: true, force: true })
  })

  it('runs the lab on the bundled MariaDB server, and `dip down` leaves no process', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'dip-bare-'))
    const ports = new Set<number>()
    while (ports.size < 4) ports.add(await freePort())
    const [broker = 0, controller = 0, mysqlPort = 0, ksql = 0] = [...ports]
    env = {
      DIP_KAFKA_BROKERS: `127.0.0.1:${broker}`,
      DIP_KAFKA_CONTROLLER_PORT: String(controller),
      DIP_MYSQL_PORT: String(mysqlPort),
      DIP_KSQL_URL: `http://127.0.0.1:${ksql}`,
      DIP_STATE_DIR: join(workDir, 'state'),
      DIP_LAKE_ROOT: join(workDir, 'data_lake'),
      DIP_CACHE_DIR: cacheDir(),
      NO_COLOR: '1',
    }
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')),
    )
    const lab = await execa(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        'mount -t tmpfs tmpfs /usr/sbin && ls -A /usr/sbin | wc -l && exec "$0" "$@"',
        process.execPath,
        BIN,
        'lab',
        '--count',
        '1000',
        '--json',
      ],
      { cwd: workDir, env: { ...inherited, ...env }, extendEnv: false, reject: false, timeout: 600_000 },
    )
    // The first line is the number of entries left in /usr/sbin: none.
    const [hidden, ...rest] = lab.stdout.split('\n')
    expect(hidden?.trim()).toBe('0')
    expect(lab.exitCode, lab.stderr.slice(-2000)).toBe(0)
    const summary = JSON.parse(rest.join('\n')) as {
      feeds: { topic: string; warehouseRows?: number }[]
    }
    const amountPerType = summary.feeds.find((feed) => feed.topic === 'AMOUNT_PER_TYPE')
    expect(amountPerType?.warehouseRows).toBe(4)

    // The server that ran is the bundled one, and MySQL really holds the rows.
    const pid = Number(readFileSync(join(workDir, 'state', 'run', 'mysql.pid'), 'utf8').trim())
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe(
      join(cacheDir(), 'mariadb-11.4.5-linux-x64', 'bin', 'mariadbd'),
    )
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: mysqlPort,
      user: 'root',
      password: 'admin123',
      database: 'tp3',
    })
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(
        'SELECT transaction_type FROM amount_per_type ORDER BY transaction_type',
      )
      expect(rows.map((row) => row['transaction_type'] as string)).toEqual([
        'payment',
        'purchase',
        'refund',
        'withdrawal',
      ])
    } finally {
      await connection.end()
    }

    const down = await runDip(['down'], { cwd: workDir, env })
    expect(down.exitCode, down.stderr).toBe(0)
    expect(findProcesses(workDir)).toEqual([])
  })
})
