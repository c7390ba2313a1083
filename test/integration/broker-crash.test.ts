import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { readWholeTopic } from '../../src/ksql-engine/kafka-bridge/read-topic.ts'
import { connectMysql } from '../../src/mysql/connect.ts'
import { ksqldbPaths } from '../../src/stack/native/ksqldb-native.ts'
import { nativePaths } from '../../src/stack/native/native-paths.ts'
import { freePort } from '../../src/stack/native/port-check.ts'
import { isAlive, readPidFile } from '../../src/stack/native/processes.ts'
import { lakeRows } from './helpers/lake-files.ts'
import { repoRoot } from './helpers/dip-cli.ts'

/**
 * Broker and ksqlDB server crashes on a stack of this file's own (free ports, temp state dir), so
 * killing its broker disturbs no other test file:
 * (a) after kill -9 of the broker, one `dip up` brings the stack back healthy, and the ksqlDB
 *     server rides out the outage in the same process;
 * (b) while the streaming lake and warehouse sinks, the producer and the ksqlDB server run, the
 *     broker is killed -9 and restarted once, then the ksqlDB server once; afterwards the lake and
 *     MySQL hold exactly what a plain recomputation from the produced events gives.
 * The times of the `dip up` calls are printed (no timing is asserted).
 */
const LAB_FILES = ['V000001__transactions_stream.sql', 'V000002__large_transactions.sql']
const LARGE = 700

let dir: string
let configFile: string
let stateDir: string
let lakeRoot: string
let kafka: KafkaPorts
let mysqlPort: number
let ksqlUrl: string
/** Every child started, so afterAll can stop what a failed test left running. */
const children: { readonly exitCode: number | null; kill(signal?: NodeJS.Signals): boolean }[] = []

const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_') || key === 'DIP_CACHE_DIR'),
)

/** `node bin/dip.js --config <this stack> …`; long-running ones are stopped by the test. */
function dip(args: readonly string[]) {
  const child = execa('node', ['bin/dip.js', '--config', configFile, ...args], {
    cwd: repoRoot,
    env: { ...cleanEnv, NO_COLOR: '1', CI: '1' },
    extendEnv: false,
    reject: false,
    forceKillAfterDelay: false,
  })
  children.push(child)
  return child
}

async function timedUp(what: string): Promise<number> {
  const started = Date.now()
  const result = await dip(['up', '--mode', 'native'])
  const seconds = (Date.now() - started) / 1000
  expect(result.exitCode, `dip up (${what}): ${result.stdout}\n${result.stderr}`).toBe(0)
  console.log(`[broker-crash] dip up ${what}: ${seconds.toFixed(1)} s`)
  return seconds
}

function pidOf(service: 'kafka' | 'ksqldb'): number {
  const paths = nativePaths(stateDir)
  const state =
    service === 'kafka'
      ? readPidFile(paths.kafkaPid, paths.kafkaConfig)
      : readPidFile(ksqldbPaths(stateDir).pidFile, ksqldbPaths(stateDir).marker)
  if (state.kind !== 'running') throw new Error(`${service} is not running (${state.kind})`)
  return state.pid
}

async function kill9(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL')
  while (isAlive(pid)) await sleep(20)
}

async function endOffset(): Promise<number> {
  const admin = kafka.admin()
  try {
    return (await admin.topicOffsets('transaction_log')).reduce((sum, o) => sum + Number(o.high), 0)
  } finally {
    await admin.close()
  }
}

/** Waits until transaction_log holds `count` records: the producer is mid-run. */
async function producedAtLeast(count: number): Promise<void> {
  for (let i = 0; i < 600 && (await endOffset()) < count; i++) await sleep(100)
}

interface StatusRow {
  readonly name: string
  readonly healthy: boolean
  readonly pid: number | null
  readonly detail?: string
}

async function status(): Promise<StatusRow[]> {
  const result = await dip(['status', '--mode', 'native', '--json'])
  const parsed = JSON.parse(result.stdout) as { services?: StatusRow[] } | StatusRow[]
  return Array.isArray(parsed) ? parsed : (parsed.services ?? [])
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-crash-'))
  stateDir = join(dir, 'state')
  lakeRoot = join(dir, 'lake')
  const ports = new Set<number>()
  while (ports.size < 4) ports.add(await freePort())
  const [brokerPort = 0, controllerPort = 0, mysql = 0, ksqlPort = 0] = [...ports]
  mysqlPort = mysql
  ksqlUrl = `http://127.0.0.1:${ksqlPort}`
  configFile = join(dir, 'dip.config.yaml')
  await writeFile(
    configFile,
    stringify({
      stack: { stopTimeoutSeconds: 20 },
      kafka: { brokers: [`127.0.0.1:${brokerPort}`], controllerPort, clientId: 'dip-it-crash' },
      mysql: { host: '127.0.0.1', port: mysqlPort, user: 'root', password: 'crash-pw', database: 'tp3' },
      ksql: { url: ksqlUrl },
      lake: { root: lakeRoot },
      stateDir,
    }),
  )
  kafka = createKafkaPorts({ brokers: [`127.0.0.1:${brokerPort}`], clientId: 'dip-it-crash' })
  await timedUp('fresh stack')
})

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  if (configFile !== undefined) await dip(['down', '--purge', '--mode', 'native'])
  await rm(dir, { recursive: true, force: true })
})

describe('broker crash', () => {
  it('kill -9 of the broker: one dip up brings it back, the ksqlDB server rides it out', async () => {
    const ksqlBefore = pidOf('ksqldb')
    await kill9(pidOf('kafka'))
    // Long enough for the outage to be seen: the ksqlDB server used to stop by itself by now.
    let outage: StatusRow[] = []
    for (let i = 0; i < 30; i++) {
      outage = await status()
      if (outage.find((s) => s.name === 'ksqldb')?.healthy === false) break
      await sleep(250)
    }
    expect(outage.find((s) => s.name === 'kafka')?.healthy).toBe(false)
    expect(outage.find((s) => s.name === 'ksqldb')?.detail).toMatch(/cannot reach Kafka/)
    await sleep(8000)
    expect(isAlive(ksqlBefore), 'the ksqlDB server stopped during the broker outage').toBe(true)

    await timedUp('after kill -9 of the broker')
    const after = await status()
    expect(after.map((s) => [s.name, s.healthy])).toEqual([
      ['kafka', true],
      ['mysql', true],
      ['ksqldb', true],
    ])
    expect(after.find((s) => s.name === 'ksqldb')?.pid).toBe(ksqlBefore)
    const log = await readFile(ksqldbPaths(stateDir).logFile, 'utf8')
    // The outage and the reconnect are in the server's log.
    expect(log).toMatch(/does not accept connections: waiting for it to come back/)
    expect(log).toMatch(/Kafka accepts connections again after/)
  }, 300_000)

  it('streaming sinks, producer and ksqlDB server through a broker kill and a server kill: exactly once', async () => {
    // A first batch creates transaction_log, which the lab's stream reads.
    const first = await dip(['produce', '--count', '500', '--seed', '11'])
    expect(first.exitCode, first.stderr).toBe(0)
    const ksqlDir = join(dir, 'ksql')
    await mkdir(ksqlDir)
    for (const file of LAB_FILES) await copyFile(join(repoRoot, 'ksql', file), join(ksqlDir, file))
    const applied = await dip(['ksql', 'apply', ksqlDir])
    expect(applied.exitCode, applied.stderr).toBe(0)

    const lake = dip(['consume', 'lake', '--idle-flush', '1s'])
    const warehouse = dip(['consume', 'warehouse', '--auto-create'])
    await sleep(3000)

    // The broker dies while the producer sends: it fails, naming what was acknowledged.
    const during = dip(['produce', '--count', '4000', '--rate', '400/s', '--seed', '12', '--json'])
    await producedAtLeast(1500)
    await kill9(pidOf('kafka'))
    const failed = await during
    expect(failed.exitCode).toBe(1)
    expect(failed.stderr).toMatch(/record\(s\) were acknowledged/)
    expect(JSON.parse(failed.stdout)).toMatchObject({
      error: { code: 'DIP_KAFKA', acknowledged: expect.any(Number) as unknown },
    })
    await sleep(3000)
    await timedUp('after kill -9 of the broker (sinks streaming)')

    // The ksqlDB server dies while records arrive; dip up starts it again.
    const before = await endOffset()
    const more = dip(['produce', '--count', '3000', '--rate', '400/s', '--seed', '13'])
    await producedAtLeast(before + 1000)
    await kill9(pidOf('ksqldb'))
    await timedUp('after kill -9 of the ksqlDB server')
    expect((await more).exitCode).toBe(0)

    // The recomputation: the raw events as the broker holds them, through the lab's two statements.
    const events = (await readWholeTopic(kafka, 'transaction_log', `it-crash-reader-${process.pid}`)).map(
      (r) => ({
        offset: Number(r.offset),
        ...(JSON.parse(String(r.value)) as {
          transaction_id: string
          amount: number
          transaction_type: string
        }),
      }),
    )
    const large = events.filter((e) => e.amount > LARGE)
    const stats = new Map<string, { count: number; sum: number }>()
    for (const e of large) {
      const s = stats.get(e.transaction_type) ?? { count: 0, sum: 0 }
      stats.set(e.transaction_type, { count: s.count + 1, sum: s.sum + e.amount })
    }

    const pool = await connectMysql({
      host: '127.0.0.1',
      port: mysqlPort,
      user: 'root',
      password: 'crash-pw',
      database: 'tp3',
    })
    try {
      const warehouseRows = async () =>
        (
          await pool.query(
            'SELECT transaction_type, transaction_count, average_amount FROM large_transaction_stats ORDER BY transaction_type',
          )
        ).rows.map((r) => ({
          type: String(r['transaction_type']),
          count: Number(r['transaction_count']),
          average: Number(r['average_amount']),
        }))
      const caughtUp = async () => {
        const rows = await lakeRows(lakeRoot, 'streams')
        const raw = rows.filter((r) => r['_topic'] === 'transaction_log').length
        const filtered = rows.filter((r) => r['_topic'] === 'LARGE_TRANSACTIONS').length
        const counted = await warehouseRows().then(
          (w) => w.reduce((sum, r) => sum + r.count, 0),
          () => -1,
        )
        return raw >= events.length && filtered >= large.length && counted >= large.length
      }
      // Bounded: the sinks and the server catch up on their own, with no manual step.
      for (let i = 0; i < 240 && !(await caughtUp()); i++) await sleep(500)

      lake.kill('SIGINT')
      warehouse.kill('SIGINT')
      const [lakeResult, warehouseResult] = await Promise.all([lake, warehouse])
      expect(lakeResult.exitCode, lakeResult.stderr).toBe(0)
      expect(warehouseResult.exitCode, warehouseResult.stderr).toBe(0)
      console.log(`[broker-crash] lake sink said:\n${lakeResult.stderr}`)
      console.log(`[broker-crash] warehouse sink said:\n${warehouseResult.stderr}`)

      const rows = await lakeRows(lakeRoot, 'streams')
      const lakeIds = (topic: string) =>
        rows
          .filter((r) => r['_topic'] === topic)
          .sort((a, b) => Number(a['_offset']) - Number(b['_offset']))
          .map((r) => String(r['TRANSACTION_ID']))
      // 0 lost, 0 duplicated: every produced event once, in order; every large one once, in order.
      expect(lakeIds('transaction_log')).toEqual(events.map((e) => e.transaction_id))
      expect(lakeIds('LARGE_TRANSACTIONS')).toEqual(large.map((e) => e.transaction_id))
      const expected = [...stats]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([type, s]) => ({ type, count: s.count, average: s.sum / s.count }))
      const actual = await warehouseRows()
      expect(actual.map((r) => [r.type, r.count])).toEqual(expected.map((r) => [r.type, r.count]))
      for (const [i, row] of actual.entries()) expect(row.average).toBeCloseTo(expected[i]?.average ?? 0, 6)
      console.log(
        `[broker-crash] ${events.length} events, ${large.length} large, ${rows.length} lake rows, ${actual.length} MySQL rows`,
      )
    } finally {
      await pool.end()
    }
  }, 400_000)
})
