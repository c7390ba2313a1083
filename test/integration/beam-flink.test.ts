import { mkdtemp, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { KafkaPorts, TopicAdmin } from '../../src/kafka/ports.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import { findProcesses } from '../../src/stack/native/processes.ts'
import { expectWarehouseExactlyOnce, fillLakeTopic, fillWarehouseTopic } from './helpers/batch-inputs.ts'
import { repoRoot } from './helpers/dip-cli.ts'
import { duplicates, lakeDigest, lakeFiles, lakeOffsets, lakeRows } from './helpers/lake-files.ts'
import { waitFor } from './helpers/wait.ts'
import {
  closeWarehouseStack,
  openWarehouseStack,
  storedTotal,
  tableDescription,
  writeWarehouseConfig,
  type KsqlStub,
} from './warehouse-helpers.ts'

/**
 * The same batch pipelines on Apache Flink (`--runner flink`, the embedded Flink of Beam's Flink
 * job server), killed with SIGKILL part-way through 20,000 records and run again: the lake holds
 * every record once, in the very files the direct runner writes, and the warehouse table equals
 * the input. A killed run leaves no job server behind.
 */
let kafka: KafkaPorts
let admin: TopicAdmin
let pool: MysqlPool
let ksql: KsqlStub
const RECORDS = 20_000
const PARTITIONS = 3

beforeAll(async () => {
  ;({ kafka, admin, pool, ksql } = await openWarehouseStack(inject('stack'), 'dip-it-flink'))
})

afterAll(() => closeWarehouseStack({ admin, pool, ksql }))

/** `dip --config <file> …` with DIP_CACHE_DIR kept: where `dip setup --with-flink` put the job server. */
function dip(configFile: string, args: readonly string[]) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_') || key === 'DIP_CACHE_DIR'),
  )
  return execa('node', ['bin/dip.js', '--config', configFile, ...args], {
    cwd: repoRoot,
    env: { ...env, NO_COLOR: '1', CI: '1' },
    extendEnv: false,
    reject: false,
    timeout: 150_000,
    forceKillAfterDelay: 60_000,
  })
}

/** Beam's Flink job servers (and their watchdog shells) started under this test's state dir. */
function jobServers(): number[] {
  return findProcesses(join(inject('stack').stateDir, 'beam-flink'))
}

describe('the batch jobs on Apache Flink (--runner flink)', () => {
  it('lake: killed with -9 part-way through 20,000 records and run again, holds every record once, in the files the direct runner writes', async () => {
    const stack = inject('stack')
    const topic = `it-flink-lake-${process.pid}`
    // One record in 500 is malformed: the dead-letter side output must be exactly-once too.
    await fillLakeTopic(kafka, admin, topic, { count: RECORDS, partitions: PARTITIONS })
    const killed = await mkdtemp(join(stack.workDir, 'flink-lake-killed-'))
    const args = (root: string, runner: string) => [
      'consume',
      'lake',
      '--batch',
      '--no-commit',
      '--topics',
      topic,
      '--lake-root',
      root,
      '--max-file-records',
      '100',
      '--runner',
      runner,
    ]

    const child = dip(stack.configFile, [...args(killed, 'flink'), '--flink-master', '[local]'])
    let sawJobServer = false
    await waitFor(
      'the Flink job to write a lake file',
      async () => {
        sawJobServer ||= jobServers().length > 0
        return (await lakeFiles(killed)).length > 0
      },
      { timeoutMs: 120_000 },
    )
    sawJobServer ||= jobServers().length > 0
    // The records went through Beam's Flink job server, not through this process alone.
    expect(sawJobServer).toBe(true)
    child.kill('SIGKILL')
    const first = await child
    expect(first.signal).toBe('SIGKILL')
    const atKill = (await lakeOffsets(killed)).length
    // A dead letter can be durable ahead of its partition's position (its file is written as soon as
    // it is met); the rerun reads it again and rewrites the same file, so it may count once more.
    const errorsAtKill = (await lakeRows(killed, '_errors')).length
    expect(atKill).toBeGreaterThan(0)
    expect(atKill).toBeLessThan(RECORDS)
    // The job server goes with the killed dip (it watches dip's end of a pipe).
    await waitFor('the killed run’s job server to stop', async () => jobServers().length === 0, {
      timeoutMs: 30_000,
    })

    const rerun = await dip(stack.configFile, [...args(killed, 'flink'), '--json'])
    expect(rerun.exitCode, String(rerun.stderr)).toBe(0)
    const summary = JSON.parse(String(rerun.stdout)) as Record<string, unknown>
    expect(summary).toMatchObject({ runner: 'beam-flink', mode: 'batch' })
    const offsets = await lakeOffsets(killed)
    expect(duplicates(offsets)).toEqual([])
    expect(offsets.length).toBe(RECORDS)
    const reread = Number(summary['recordsIn']) - (RECORDS - atKill)
    expect(reread).toBeGreaterThanOrEqual(0)
    expect(reread).toBeLessThanOrEqual(errorsAtKill)
    expect(Number(summary['recordsOut']) + Number(summary['deadLetters'])).toBe(summary['recordsIn'])
    const stages = summary['stages'] as { stage: string; in: number; out: number }[]
    expect(stages.map((s) => s.stage)).toEqual(['ReadKafka', 'DecodeValidate', 'WriteLake'])
    expect((await lakeRows(killed, '_errors')).length).toBe(RECORDS / 500)
    const all = await readdir(killed, { recursive: true })
    expect(all.filter((p) => p.endsWith('.tmp'))).toEqual([])
    expect(jobServers()).toEqual([])

    // One definition of the lake: the direct runner, uninterrupted, writes the same files byte for byte.
    const clean = await mkdtemp(join(stack.workDir, 'flink-lake-direct-'))
    const direct = await dip(stack.configFile, args(clean, 'direct'))
    expect(direct.exitCode, String(direct.stderr)).toBe(0)
    expect(await lakeDigest(killed)).toEqual(await lakeDigest(clean))
  })

  it('warehouse: killed with -9 part-way through 20,000 records and run again, the table equals the input', async () => {
    const topic = `FLINK_WH_${process.pid}`
    const table = topic.toLowerCase()
    ksql.register(
      tableDescription({
        name: topic,
        topic,
        key: { ID: { type: 'STRING' } },
        value: { SEQ: { type: 'BIGINT' }, NOTE: { type: 'STRING' } },
      }),
    )
    const input = await fillWarehouseTopic(kafka, admin, topic, { count: RECORDS, partitions: PARTITIONS })
    const config = await writeWarehouseConfig(inject('stack'), topic, { ksql: { url: ksql.url } })
    const consumer = 'flink-test'
    const args = [
      'consume',
      'warehouse',
      '--batch',
      '--auto-create',
      '--topics',
      topic,
      '--consumer',
      consumer,
      '--records-per-write',
      '200',
      '--runner',
      'flink',
    ]
    // 0 while the bookkeeping tables are not created yet.
    const stored = () => storedTotal(pool, consumer, topic, 0n)
    const total = (await admin.topicOffsets(topic)).reduce((sum, p) => sum + p.high, 0n)
    const child = dip(config, args)
    await waitFor('the Flink job to commit a write', async () => (await stored()) > 0n, {
      timeoutMs: 120_000,
    })
    child.kill('SIGKILL')
    const first = await child
    expect(first.signal).toBe('SIGKILL')
    expect(await stored()).toBeLessThan(total)

    const rerun = await dip(config, [...args, '--json'])
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(JSON.parse(rerun.stdout)).toMatchObject({ runner: 'beam-flink', mode: 'batch' })
    await expectWarehouseExactlyOnce(pool, admin, { table, topic, consumer, input })
    expect(jobServers()).toEqual([])
  })
})
