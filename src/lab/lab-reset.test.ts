import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load-config.ts'
import { createInMemoryBroker } from '../kafka/in-memory-broker.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import type { MysqlPool, QueryResult } from '../mysql/mysql-port.ts'
import { resetLab, type LabResetDeps } from './lab-reset.ts'

/**
 * resetLab's decisions against fakes: which statements reach ksqlDB, which topics and rows go,
 * and what is left alone. The real servers are exercised by test/integration/lab.test.ts.
 */
const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

const COMMAND_TOPIC = '_confluent-ksql-default__command_topic'

async function setUp() {
  const dir = await mkdtemp(join(tmpdir(), 'dip-reset-'))
  dirs.push(dir)
  const loaded = loadConfig({
    cwd: dir,
    env: {},
    overrides: { stateDir: join(dir, 'state'), lake: { root: join(dir, 'lake') } },
  })
  await mkdir(join(dir, 'lake', 'streams', 'transaction_log', 'year=2026'), { recursive: true })
  await writeFile(join(dir, 'lake', 'streams', 'transaction_log', 'year=2026', 'a.jsonl'), '{}\n')
  await writeFile(join(dir, 'lake', 'README.md'), 'not the lake sink’s\n')
  await mkdir(loaded.stateDir, { recursive: true })
  await writeFile(join(loaded.stateDir, 'runs.jsonl'), '{}\n')
  const kafka = createInMemoryBroker({
    topics: {
      transaction_log: 1,
      TRANSACTIONS_FLAT: 1,
      ORPHAN_FROM_MIGRATIONS: 1,
      clickstream: 1,
      [COMMAND_TOPIC]: 1,
    },
  })
  const statements: string[] = []
  const ksql = {
    execute: (sql: string) => {
      statements.push(sql)
      if (!sql.startsWith('SHOW')) return Promise.resolve([])
      return Promise.resolve([
        {
          '@type': 'streams',
          streams: [
            { type: 'STREAM', name: 'TRANSACTIONS_BASIC', topic: 'transaction_log' },
            { type: 'STREAM', name: 'TRANSACTIONS_FLAT', topic: 'TRANSACTIONS_FLAT' },
          ],
        },
        { '@type': 'tables', tables: [] },
        {
          '@type': 'queries',
          queries: [
            {
              id: 'CSAS_TRANSACTIONS_FLAT_1',
              queryString: 'CREATE STREAM TRANSACTIONS_FLAT AS SELECT * FROM TRANSACTIONS_BASIC;',
              sinks: ['TRANSACTIONS_FLAT'],
            },
          ],
        },
      ])
    },
  } as unknown as KsqlClient
  const sql: string[] = []
  const pool: MysqlPool = {
    query(text: string, params?: readonly unknown[]): Promise<QueryResult> {
      sql.push(params === undefined ? text : `${text} ${JSON.stringify(params)}`)
      const rows = text.includes('information_schema.TABLES')
        ? ['transactions_flat', 'dip_offsets', 'dip_rejects', 'clickstream'].map((name) => ({ name }))
        : text.startsWith('SELECT DISTINCT topic')
          ? [{ topic: 'TRANSACTIONS_FLAT' }, { topic: 'GONE_ALREADY' }, { topic: 'clickstream' }]
          : []
      return Promise.resolve({ rows, affectedRows: text.startsWith('DELETE') ? 3 : 0, warningCount: 0 })
    },
    getConnection: () => Promise.reject(new Error('not used')),
    end: () => Promise.resolve(),
  }
  const deps: LabResetDeps = {
    loaded,
    kafka,
    ksql,
    connectMysql: () => Promise.resolve(pool),
    migrationTopics: ['ORPHAN_FROM_MIGRATIONS', 'NEVER_CREATED'],
    ownKsqlServer: null,
  }
  return { dir, loaded, kafka, deps, statements, sql }
}

describe('resetLab', () => {
  it('against a real ksqlDB server: drops over REST, deletes the lab topics, purges their rows and the lake', async () => {
    const { dir, kafka, deps, statements, sql } = await setUp()
    const report = await resetLab(deps)

    expect(statements).toEqual([
      'SHOW STREAMS; SHOW TABLES; SHOW QUERIES;',
      'TERMINATE CSAS_TRANSACTIONS_FLAT_1;',
      'DROP STREAM IF EXISTS `TRANSACTIONS_FLAT`;',
      'DROP STREAM IF EXISTS `TRANSACTIONS_BASIC`;',
    ])
    expect(report.topics).toEqual(['ORPHAN_FROM_MIGRATIONS', 'TRANSACTIONS_FLAT', 'transaction_log'])
    // A topic of someone else's feed, and the server's own command topic, stay.
    expect((await kafka.admin().listTopics()).sort()).toEqual([COMMAND_TOPIC, 'clickstream'])
    // Rows of the deleted topics' tables and of topics Kafka no longer has; clickstream's stay.
    expect(sql.filter((s) => s.startsWith('DELETE'))).toEqual([
      'DELETE FROM `transactions_flat`',
      'DELETE FROM dip_offsets WHERE topic IN (?, ?, ?, ?) ["ORPHAN_FROM_MIGRATIONS","TRANSACTIONS_FLAT","transaction_log","GONE_ALREADY"]',
      'DELETE FROM dip_rejects WHERE topic IN (?, ?, ?, ?) ["ORPHAN_FROM_MIGRATIONS","TRANSACTIONS_FLAT","transaction_log","GONE_ALREADY"]',
    ])
    expect(report).toMatchObject({
      ksqlSources: ['TRANSACTIONS_BASIC', 'TRANSACTIONS_FLAT'],
      ksqlQueries: ['CSAS_TRANSACTIONS_FLAT_1'],
      lakeFiles: 1,
      warehouseTables: [{ table: 'transactions_flat', rows: 3 }],
      positions: 3,
      rejects: 3,
      runsLog: true,
    })
    expect(existsSync(join(dir, 'lake', 'streams'))).toBe(false)
    expect(existsSync(join(dir, 'lake', 'README.md'))).toBe(true)
  })

  it("with dip's own server: stopped, its command topic deleted with the lab's, started again, no DROP sent", async () => {
    const { kafka, deps, statements } = await setUp()
    const events: string[] = []
    const admin = kafka.admin()
    await resetLab({
      ...deps,
      ownKsqlServer: {
        commandTopic: COMMAND_TOPIC,
        stop: async () => void events.push(`stop with ${(await admin.listTopics()).length} topics`),
        start: async () => void events.push(`start with ${(await admin.listTopics()).join(',')}`),
      },
    })
    expect(events).toEqual(['stop with 5 topics', 'start with clickstream'])
    expect(statements).toEqual(['SHOW STREAMS; SHOW TABLES; SHOW QUERIES;'])
  })

  it('refuses while an orchestrator holds the state dir, and removes nothing', async () => {
    const { loaded, kafka, deps } = await setUp()
    // The parent process (the test runner) is alive and is not this process: a live holder.
    await writeFile(join(loaded.stateDir, 'orchestrate.lock'), `${process.ppid}\n`)
    await expect(resetLab(deps)).rejects.toThrow(/another dip orchestrate \(pid \d+\)/)
    expect((await kafka.admin().listTopics()).length).toBe(5)
    expect(existsSync(join(loaded.stateDir, 'runs.jsonl'))).toBe(true)
  })
})
