import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { KafkaPorts, ProducedRecord, TopicAdmin } from '../../src/kafka/ports.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import { parseRunRecords } from '../../src/orchestrate/run-record.ts'
import {
  closeWarehouseStack,
  dip,
  openWarehouseStack,
  produceTo,
  sleep,
  tableDescription,
  tableRows,
  writeWarehouseConfig,
  type KsqlStub,
} from './warehouse-helpers.ts'

let kafka: KafkaPorts
let admin: TopicAdmin
let pool: MysqlPool
let ksql: KsqlStub
const run = `${process.pid}`
const streamTopic = `it-orch-events-${run}`
const tableTopic = `IT_ORCH_TOTALS_${run}`

beforeAll(async () => {
  ;({ kafka, admin, pool, ksql } = await openWarehouseStack(inject('stack'), 'dip-it-orchestrate'))
})

afterAll(() => closeWarehouseStack({ admin, pool, ksql }))

function produce(topic: string, records: readonly Omit<ProducedRecord, 'topic'>[]) {
  return produceTo({ kafka, admin }, topic, 1, records)
}

describe('dip orchestrate', () => {
  it('--once runs lake then warehouse, records both in runs.jsonl; a second orchestrator is refused', async () => {
    const stack = inject('stack')
    const dir = await mkdtemp(join(stack.workDir, 'orch-'))
    const stateDir = join(dir, 'state')
    ksql.register(
      tableDescription({
        name: tableTopic,
        topic: tableTopic,
        key: { USER_ID: { type: 'STRING' } },
        value: { TOTAL: { type: 'DOUBLE' } },
      }),
    )
    const time = Date.parse('2026-03-01T10:00:00Z')
    await produce(
      streamTopic,
      [1, 2, 3].map((n) => ({ key: `k${n}`, value: JSON.stringify({ ID: n }), timestamp: time })),
    )
    await produce(tableTopic, [
      { key: 'USER-1', value: JSON.stringify({ TOTAL: 10 }) },
      { key: 'USER-2', value: JSON.stringify({ TOTAL: 20 }) },
    ])
    const config = await writeWarehouseConfig(stack, `orch-${run}`, {
      ksql: { url: ksql.url },
      stateDir,
      lake: { root: join(dir, 'lake') },
      feeds: [{ topic: streamTopic, kind: 'stream' }],
    })
    await pool.query(
      `CREATE TABLE \`${tableTopic.toLowerCase()}\` (user_id VARCHAR(16) NOT NULL PRIMARY KEY, total DOUBLE NULL)`,
    )

    const once = await dip(config, ['orchestrate', '--once', '--retries', '0'])
    expect(once.exitCode, once.stderr + once.stdout).toBe(0)
    const runs = parseRunRecords(await readFile(join(stateDir, 'runs.jsonl'), 'utf8'))
    expect(runs.map((r) => [r.job, r.status])).toEqual([
      ['lake', 'ok'],
      ['warehouse', 'ok'],
    ])
    // the lake sinks the stream feed and the ksqlDB table; the warehouse only the table
    expect(runs[0]).toMatchObject({ records: 5, attempts: 1, runner: 'beam-direct', deadLetters: 0 })
    expect(runs[0]!.files).toBeGreaterThanOrEqual(2)
    expect(runs[1]).toMatchObject({ records: 2, rows: 2, runner: 'beam-direct' })
    expect(
      await tableRows(pool, `SELECT user_id, total FROM \`${tableTopic.toLowerCase()}\` ORDER BY user_id`),
    ).toEqual([
      { user_id: 'USER-1', total: '10' },
      { user_id: 'USER-2', total: '20' },
    ])

    const listed = await dip(config, ['runs', '--json'])
    expect(listed.exitCode).toBe(0)
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(2)

    // The lake the cycle wrote, through dip lake ls / query / retain.
    const ls = await dip(config, ['--json', 'lake', 'ls'])
    expect(ls.exitCode, ls.stderr).toBe(0)
    const feeds = (JSON.parse(ls.stdout) as { feeds: { feed: string; area: string; rows: number }[] }).feeds
    expect(feeds.find((f) => f.feed === streamTopic)).toMatchObject({ area: 'streams', rows: 3 })
    expect(feeds.find((f) => f.feed === tableTopic)).toMatchObject({ area: 'tables', rows: 2 })
    const query = await dip(config, [
      '--json',
      'lake',
      'query',
      `SELECT count(*) AS n, sum(ID) AS s, min(year) AS y, min(month) AS m FROM "${streamTopic}"`,
    ])
    expect(query.exitCode, query.stderr).toBe(0)
    const [answer] = JSON.parse(query.stdout) as Record<string, unknown>[]
    expect([answer?.['n'], answer?.['s'], answer?.['y'], answer?.['m']].map(String)).toEqual([
      '3',
      '6',
      '2026',
      '3',
    ])
    // The March partition is past any retention, but its one window holds the sink's position: kept.
    const retain = await dip(config, ['--json', 'lake', 'retain', '--days', '1'])
    expect(retain.exitCode, retain.stderr).toBe(0)
    const retained = JSON.parse(retain.stdout) as {
      partitions: { feed: string; files: number; kept: number }[]
    }
    expect(retained.partitions.filter((p) => p.feed === streamTopic).map((p) => [p.files, p.kept])).toEqual([
      [0, 1],
    ])

    // A long-running orchestrator holds the lock; a second one names its pid and refuses.
    const first = dip(config, ['orchestrate', '--every', '1h'], { timeoutMs: 0 })
    const lockFile = join(stateDir, 'orchestrate.lock')
    while (!existsSync(lockFile)) await sleep(100)
    const second = await dip(config, ['orchestrate', '--once'])
    expect(second.exitCode).toBe(1)
    expect(second.stderr).toContain(`pid ${first.pid}`)
    // Its cycle finds nothing new; SIGTERM then lets it exit 0 and free the lock.
    while (parseRunRecords(await readFile(join(stateDir, 'runs.jsonl'), 'utf8')).length < 4) await sleep(200)
    first.kill('SIGTERM')
    const stopped = await first
    expect(stopped.exitCode, stopped.stderr).toBe(0)
    expect(existsSync(lockFile)).toBe(false)
    const after = parseRunRecords(await readFile(join(stateDir, 'runs.jsonl'), 'utf8'))
    expect(after.slice(2).map((r) => [r.job, r.status, r.records])).toEqual([
      ['lake', 'ok', 0],
      ['warehouse', 'ok', 0],
    ])

    // --runner picks the batch jobs' runner (over beam.runner); each record names the one used.
    const onDip = await dip(config, ['orchestrate', '--once', '--runner', 'dip'])
    expect(onDip.exitCode, onDip.stderr + onDip.stdout).toBe(0)
    const dipRuns = parseRunRecords(await readFile(join(stateDir, 'runs.jsonl'), 'utf8')).slice(4)
    expect(dipRuns.map((r) => [r.job, r.status, r.runner])).toEqual([
      ['lake', 'ok', 'dip'],
      ['warehouse', 'ok', 'dip'],
    ])
  })
})
