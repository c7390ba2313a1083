import { mkdtemp, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { ConsumeWarehouseResult } from '../../src/consume/warehouse-job.ts'
import type { KafkaPorts, ProducedRecord, TopicAdmin } from '../../src/kafka/ports.ts'
import { createKsqlClient } from '../../src/ksql-client/index.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import { parseRunRecords } from '../../src/orchestrate/run-record.ts'
import {
  closeWarehouseStack,
  dip,
  openWarehouseStack,
  produceTo,
  sleep,
  storedOffsets,
  tableDescription,
  tableRows,
  writeWarehouseConfig,
  type KsqlStub,
} from './warehouse-helpers.ts'

/**
 * Per-table isolation of the warehouse sink: a table MySQL cannot take (a column name over
 * MySQL's 64 characters, which ksqlDB accepts; a trigger refusing every write) is reported and
 * keeps its records while the other tables are written, and the run exits 1.
 */
let kafka: KafkaPorts
let admin: TopicAdmin
let pool: MysqlPool
let stub: KsqlStub
const run = `${process.pid}`
// 68 characters: a valid ksqlDB identifier, too long for MySQL (ER_TOO_LONG_IDENT above 64).
const LONG = 'AVERAGE_TRANSACTION_AMOUNT_PER_USER_AND_PAYMENT_METHOD_OVER_LAST_30D'

beforeAll(async () => {
  ;({ kafka, admin, pool, ksql: stub } = await openWarehouseStack(inject('stack'), 'dip-it-isolation'))
})

// Tables created on the stack's real ksqlDB server: dropped after the tests, so later tests of the
// run (dip lab sinks every ksqlDB table) do not find them.
const created: string[] = []

afterAll(async () => {
  if (created.length > 0) {
    const { ksql } = parse(await readFile(inject('stack').configFile, 'utf8')) as { ksql: { url: string } }
    const server = createKsqlClient({ url: ksql.url })
    for (const name of created) await server.execute(`DROP TABLE IF EXISTS ${name};`)
  }
  await closeWarehouseStack({ admin, pool, ksql: stub })
})

function produce(topic: string, records: readonly Omit<ProducedRecord, 'topic'>[]) {
  return produceTo({ kafka, admin }, topic, 1, records)
}

const users = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    key: `USER-${from + i}`,
    value: JSON.stringify({ NAME: `name ${from + i}`, [LONG]: from + i }),
  }))

describe('dip consume warehouse: one table that cannot be written', () => {
  it('writes the other tables, reports it with the MySQL error and the fix, keeps its records and exits 1', async () => {
    expect(LONG).toHaveLength(68)
    const stack = inject('stack')
    const good = `ISO_GOOD_${run}`
    const bad = `ISO_BAD_${run}`
    await produce(good, users(0, 5))
    await produce(bad, users(0, 3))
    // The real ksqlDB server of the stack accepts the long column name.
    const { ksql } = parse(await readFile(stack.configFile, 'utf8')) as { ksql: { url: string } }
    const server = createKsqlClient({ url: ksql.url })
    created.push(good, bad)
    await server.execute(
      `CREATE TABLE ${good} (ID VARCHAR PRIMARY KEY, NAME VARCHAR) WITH (KAFKA_TOPIC='${good}', VALUE_FORMAT='JSON');`,
    )
    await server.execute(
      `CREATE TABLE ${bad} (ID VARCHAR PRIMARY KEY, NAME VARCHAR, ${LONG} DOUBLE) WITH (KAFKA_TOPIC='${bad}', VALUE_FORMAT='JSON');`,
    )
    expect((await server.describe(bad)).valueColumns.map((column) => column.name)).toContain(LONG)

    const config = await writeWarehouseConfig(stack, `isolation-${run}`, {})
    const args = ['consume', 'warehouse', '--batch', '--auto-create', '--topics', `${good},${bad}`, '--json']
    const first = await dip(config, args)
    expect(first.exitCode, first.stderr).toBe(1)
    const result = JSON.parse(first.stdout) as ConsumeWarehouseResult
    expect(result.tables).toEqual([
      expect.objectContaining({ table: good.toLowerCase(), topic: good, records: 5, upserted: 5 }),
    ])
    expect(result.failed).toEqual([
      {
        topic: bad,
        table: bad.toLowerCase(),
        stage: 'prepare',
        error: expect.stringContaining(
          `Column ${LONG} of ksqlDB table ${bad} (topic ${bad}) cannot become a MySQL column: it is 68 characters long and MySQL names are at most 64 (MySQL refuses it: ER_TOO_LONG_IDENT (1059)`,
        ),
        fix: expect.stringContaining(`ignoreColumns: [${LONG}]`),
      },
    ])
    expect(first.stderr).toContain(`table ${bad.toLowerCase()} (topic ${bad}) not read this run`)
    expect(first.stderr).toContain('its records stay in Kafka')
    expect(await tableRows(pool, `SELECT id, name FROM \`${good.toLowerCase()}\` ORDER BY id`)).toEqual(
      [0, 1, 2, 3, 4].map((n) => ({ id: `USER-${n}`, name: `name ${n}` })),
    )
    expect(await storedOffsets(pool, 'warehouse', good)).toEqual(new Map([[0, 5n]]))
    expect(await storedOffsets(pool, 'warehouse', bad)).toEqual(new Map())

    // The fix the message gives (a feed renaming the column), while a trigger now refuses every
    // write to the good table: the bad one gets all its records (kept), the good one keeps its new ones.
    await produce(good, users(5, 7))
    await produce(bad, users(3, 4))
    await pool.query(
      `CREATE TRIGGER \`${good.toLowerCase()}_refuse\` BEFORE INSERT ON \`${good.toLowerCase()}\` FOR EACH ROW ` +
        `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'writes paused for maintenance'`,
    )
    const fixed = await writeWarehouseConfig(stack, `isolation-fixed-${run}`, {
      feeds: [{ topic: bad, kind: 'table', columns: { [LONG]: 'avg_amount_30d' } }],
    })
    const second = await dip(fixed, args)
    expect(second.exitCode, second.stderr).toBe(1)
    const secondResult = JSON.parse(second.stdout) as ConsumeWarehouseResult
    expect(secondResult.failed).toEqual([
      {
        topic: good,
        table: good.toLowerCase(),
        stage: 'write',
        error: `MySQL refused a write to table ${good.toLowerCase()} (topic ${good}): ER_SIGNAL_EXCEPTION (1644): writes paused for maintenance`,
        fix: expect.stringContaining('its records were kept, it resumes at offset(s) [0] 5.'),
      },
    ])
    expect(
      await tableRows(pool, `SELECT id, avg_amount_30d FROM \`${bad.toLowerCase()}\` ORDER BY id`),
    ).toEqual([0, 1, 2, 3].map((n) => ({ id: `USER-${n}`, avg_amount_30d: String(n) })))
    expect(await storedOffsets(pool, 'warehouse', bad)).toEqual(new Map([[0, 4n]]))
    expect(await storedOffsets(pool, 'warehouse', good)).toEqual(new Map([[0, 5n]]))

    // Trigger gone: the kept records of the good table are written, exactly once.
    await pool.query(`DROP TRIGGER \`${good.toLowerCase()}_refuse\``)
    const third = await dip(fixed, args)
    expect(third.exitCode, third.stderr).toBe(0)
    expect((JSON.parse(third.stdout) as ConsumeWarehouseResult).failed).toEqual([])
    expect(await tableRows(pool, `SELECT COUNT(*) AS n FROM \`${good.toLowerCase()}\``)).toEqual([{ n: '7' }])
    expect(await storedOffsets(pool, 'warehouse', good)).toEqual(new Map([[0, 7n]]))
  })

  it('dip orchestrate records the warehouse run as failed, naming the table, with the rows it wrote', async () => {
    const stack = inject('stack')
    const good = `ISO_ORCH_GOOD_${run}`
    const bad = `ISO_ORCH_BAD_${run}`
    stub.register(
      tableDescription({
        name: good,
        topic: good,
        key: { ID: { type: 'STRING' } },
        value: { NAME: { type: 'STRING' } },
      }),
    )
    stub.register(
      tableDescription({
        name: bad,
        topic: bad,
        key: { ID: { type: 'STRING' } },
        value: { NAME: { type: 'STRING' }, [LONG]: { type: 'DOUBLE' } },
      }),
    )
    await produce(good, users(0, 3))
    await produce(bad, users(0, 2))
    await pool.query(
      `CREATE TABLE \`${good.toLowerCase()}\` (id VARCHAR(16) NOT NULL PRIMARY KEY, name TEXT NULL)`,
    )
    const stateDir = join(await mkdtemp(join(stack.workDir, 'orch-iso-')), 'state')
    const config = await writeWarehouseConfig(stack, `orch-iso-${run}`, { ksql: { url: stub.url }, stateDir })
    const once = await dip(config, ['orchestrate', '--once', '--jobs', 'warehouse', '--retries', '0'])
    expect(once.exitCode, once.stderr).toBe(1)
    const runs = parseRunRecords(await readFile(join(stateDir, 'runs.jsonl'), 'utf8'))
    expect(runs).toEqual([
      expect.objectContaining({
        job: 'warehouse',
        status: 'failed',
        records: 3,
        rows: 3,
        attempts: 1,
        error: expect.stringContaining(
          `table(s) not written: ${bad.toLowerCase()} (topic ${bad}): Column ${LONG}`,
        ),
      }),
    ])
    const listed = await dip(config, ['runs'])
    expect(listed.exitCode).toBe(0)
    expect(listed.stdout).toContain(`${bad.toLowerCase()} (topic ${bad})`)
    expect(await storedOffsets(pool, 'warehouse', good)).toEqual(new Map([[0, 3n]]))
    expect(await storedOffsets(pool, 'warehouse', bad)).toEqual(new Map())
  })

  it('streaming: writes the good table while one cannot be mapped and one refuses writes, then exits 1 on SIGTERM', async () => {
    const stack = inject('stack')
    const [good, bad, refused] = ['GOOD', 'BAD', 'REFUSED'].map((name) => `ISO_STREAM_${name}_${run}`) as [
      string,
      string,
      string,
    ]
    for (const topic of [good, refused])
      stub.register(
        tableDescription({
          name: topic,
          topic,
          key: { ID: { type: 'STRING' } },
          value: { NAME: { type: 'STRING' } },
        }),
      )
    stub.register(
      tableDescription({
        name: bad,
        topic: bad,
        key: { ID: { type: 'STRING' } },
        value: { NAME: { type: 'STRING' }, [LONG]: { type: 'DOUBLE' } },
      }),
    )
    for (const topic of [good, refused])
      await pool.query(
        `CREATE TABLE \`${topic.toLowerCase()}\` (id VARCHAR(16) NOT NULL PRIMARY KEY, name TEXT NULL)`,
      )
    await pool.query(
      `CREATE TRIGGER \`${refused.toLowerCase()}_refuse\` BEFORE INSERT ON \`${refused.toLowerCase()}\` FOR EACH ROW ` +
        `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'read-only table'`,
    )
    for (const topic of [good, bad, refused]) await produce(topic, users(0, 4))
    const config = await writeWarehouseConfig(stack, `iso-stream-${run}`, { ksql: { url: stub.url } })
    const child = dip(
      config,
      ['consume', 'warehouse', '--consumer', `iso-stream-${run}`, '--topics', `${good},${bad},${refused}`],
      { timeoutMs: 0 },
    )
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    try {
      // Records arriving while it streams reach the good table too.
      const count = async () =>
        Number((await pool.query(`SELECT COUNT(*) AS n FROM \`${good.toLowerCase()}\``)).rows[0]?.['n'])
      const running = () => {
        if (child.exitCode !== null) throw new Error(`the sink exited ${child.exitCode}: ${stderr}`)
      }
      while ((await count()) < 4 || !stderr.includes('read-only table')) {
        running()
        await sleep(100)
      }
      await produce(good, users(4, 6))
      while ((await count()) < 6) {
        running()
        await sleep(100)
      }
    } finally {
      child.kill('SIGTERM')
    }
    const result = await child
    expect(result.exitCode, stderr).toBe(1)
    expect(stderr).toContain(`table ${bad.toLowerCase()} (topic ${bad}) not read this run`)
    expect(stderr).toContain(
      `MySQL refused a write to table ${refused.toLowerCase()} (topic ${refused}): ER_SIGNAL_EXCEPTION (1644): read-only table`,
    )
    expect(stderr).toMatch(/2 table\(s\) could not be written/)
    const consumer = `iso-stream-${run}`
    expect(await storedOffsets(pool, consumer, good)).toEqual(new Map([[0, 6n]]))
    expect(await storedOffsets(pool, consumer, bad)).toEqual(new Map())
    expect(await storedOffsets(pool, consumer, refused)).toEqual(new Map())
  })
})
