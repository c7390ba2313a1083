import { mkdtemp, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { KafkaPorts, TopicAdmin } from '../../src/kafka/ports.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import {
  expectWarehouseExactlyOnce,
  fillLakeTopic,
  fillWarehouseTopic,
  sendInSlices,
} from './helpers/batch-inputs.ts'
import { dip as dipWithStackConfig } from './helpers/dip-cli.ts'
import { duplicates, lakeDigest, lakeFiles, lakeOffsets, lakeRows } from './helpers/lake-files.ts'
import { waitFor } from './helpers/wait.ts'
import {
  closeWarehouseStack,
  dip,
  openWarehouseStack,
  storedTotal,
  tableDescription,
  tableRows,
  writeWarehouseConfig,
  type KsqlStub,
} from './warehouse-helpers.ts'

/**
 * The batch jobs as Beam pipelines (direct runner), killed with SIGKILL part-way through 20,000
 * records and run again: the lake holds every record once, with the file names an uninterrupted
 * run gives, and the warehouse table equals the input.
 */
let kafka: KafkaPorts
let admin: TopicAdmin
let pool: MysqlPool
let ksql: KsqlStub
const RECORDS = 20_000
const PARTITIONS = 3

beforeAll(async () => {
  ;({ kafka, admin, pool, ksql } = await openWarehouseStack(inject('stack'), 'dip-it-beam'))
})

afterAll(() => closeWarehouseStack({ admin, pool, ksql }))

async function totalHigh(topic: string): Promise<bigint> {
  return (await admin.topicOffsets(topic)).reduce((sum, p) => sum + p.high, 0n)
}

describe('the batch jobs on Apache Beam (direct runner)', () => {
  it('lake: killed with -9 part-way through 20,000 records and run again, holds every record once, named as an uninterrupted run names them', async () => {
    const topic = `it-beam-lake-${process.pid}`
    // One record in 500 is malformed: the dead-letter side output must be exactly-once too.
    await fillLakeTopic(kafka, admin, topic, { count: RECORDS, partitions: PARTITIONS })
    const work = inject('stack').workDir
    const killed = await mkdtemp(join(work, 'beam-lake-killed-'))
    const args = (root: string) => [
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
    ]

    const child = dipWithStackConfig(args(killed))
    await waitFor('the pipeline to write a lake file', async () => (await lakeFiles(killed)).length > 0)
    child.kill('SIGKILL')
    const first = await child
    expect(first.signal).toBe('SIGKILL')
    const atKill = (await lakeOffsets(killed)).length
    // A dead letter can be durable ahead of its partition's position (its file is written as soon as
    // it is met); the rerun reads it again and rewrites the same file, so it may count once more.
    const errorsAtKill = (await lakeRows(killed, '_errors')).length
    expect(atKill).toBeGreaterThan(0)
    expect(atKill).toBeLessThan(RECORDS)

    const rerun = await dipWithStackConfig([...args(killed), '--json'])
    expect(rerun.exitCode, String(rerun.stderr)).toBe(0)
    const summary = JSON.parse(String(rerun.stdout)) as Record<string, unknown>
    expect(summary).toMatchObject({ runner: 'beam-direct', mode: 'batch' })
    const offsets = await lakeOffsets(killed)
    expect(duplicates(offsets)).toEqual([])
    expect(offsets.length).toBe(RECORDS)
    // The rerun read what the killed run had not put in a file (a kill loses at most open windows).
    const reread = Number(summary['recordsIn']) - (RECORDS - atKill)
    expect(reread).toBeGreaterThanOrEqual(0)
    expect(reread).toBeLessThanOrEqual(errorsAtKill)
    expect(Number(summary['recordsOut']) + Number(summary['deadLetters'])).toBe(summary['recordsIn'])
    const stages = summary['stages'] as { stage: string; in: number; out: number }[]
    expect(stages.map((s) => s.stage)).toEqual(['ReadKafka', 'DecodeValidate', 'WriteLake'])
    expect(stages[1]?.in).toBe(Number(summary['recordsIn']) + PARTITIONS)
    expect((await lakeRows(killed, '_errors')).length).toBe(RECORDS / 500)
    const all = await readdir(killed, { recursive: true })
    expect(all.filter((p) => p.endsWith('.tmp'))).toEqual([])

    // Deterministic file names: an uninterrupted run writes the same files, byte for byte.
    const clean = await mkdtemp(join(work, 'beam-lake-clean-'))
    const once = await dipWithStackConfig(args(clean))
    expect(once.exitCode, String(once.stderr)).toBe(0)
    expect(await lakeDigest(killed)).toEqual(await lakeDigest(clean))

    // Nothing new: the pipeline is not even started.
    const again = await dipWithStackConfig([...args(killed), '--json'])
    expect(JSON.parse(String(again.stdout))).toMatchObject({
      upToDate: true,
      runner: 'beam-direct',
      recordsIn: 0,
    })
  })

  it('warehouse: killed with -9 part-way through 20,000 records and run again, the table equals the input', async () => {
    const topic = `BEAM_WH_${process.pid}`
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
    const consumer = 'beam-test'
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
    ]
    // 0 while the bookkeeping tables are not created yet.
    const stored = () => storedTotal(pool, consumer, topic, 0n)
    const child = dip(config, args)
    await waitFor('the pipeline to commit a write', async () => (await stored()) > 0n)
    child.kill('SIGKILL')
    const first = await child
    expect(first.signal).toBe('SIGKILL')
    expect(await stored()).toBeLessThan(await totalHigh(topic))

    // The rerun in human mode: the per-table summary and the table of the pipeline's stages.
    const rerun = await dip(config, args)
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.stdout).toMatch(/beam-direct stage\s+in\s+out\s+own time/)
    expect(rerun.stdout).toMatch(/WriteWarehouse/)

    // The table equals the input; the dead letters (undecodable values) are in dip_rejects, each once.
    await expectWarehouseExactlyOnce(pool, admin, { table, topic, consumer, input })

    // New records: the next run's --json names the runner and its stages, and counts the dead letter.
    await sendInSlices(kafka, [
      { topic, key: 'K9998', value: JSON.stringify({ SEQ: RECORDS + 1, NOTE: 'late' }) },
      { topic, key: 'K9999', value: '{"SEQ": ' },
    ])
    const next = await dip(config, [...args, '--json'])
    expect(next.exitCode, next.stderr).toBe(0)
    const summary = JSON.parse(next.stdout) as Record<string, unknown>
    expect(summary).toMatchObject({
      runner: 'beam-direct',
      mode: 'batch',
      recordsIn: 2,
      recordsOut: 1,
      deadLetters: 1,
    })
    const [read, decode, write] = summary['stages'] as { stage: string; in: number; out: number }[]
    expect([read?.stage, decode?.stage, write?.stage]).toEqual([
      'ReadKafka',
      'DecodeValidate',
      'WriteWarehouse',
    ])
    // Two records and one end per partition read (one or two partitions got the new records).
    expect(read?.out).toBeGreaterThanOrEqual(3)
    expect(read?.out).toBeLessThanOrEqual(4)
    expect([decode?.in, decode?.out, write?.in, write?.out]).toEqual([read?.out, read?.out, read?.out, 0])
    expect(await tableRows(pool, `SELECT id, seq FROM \`${table}\` WHERE id = 'K9998'`)).toEqual([
      { id: 'K9998', seq: String(RECORDS + 1) },
    ])
  })
})
