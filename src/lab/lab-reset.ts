import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { LoadedConfig } from '../config/load-config.ts'
import type { KafkaPorts, TopicAdmin } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import { planDrops, type DropQuery, type DropSource } from '../ksql-migrations/plan-drops.ts'
import { acquireLakeLock } from '../lake/lake-lock.ts'
import { quoteIdentifier } from '../mysql/quote-identifier.ts'
import type { MysqlPool } from '../mysql/mysql-port.ts'
import { acquireOrchestratorLock } from '../orchestrate/orchestrator-lock.ts'
import { RUNS_FILE } from '../orchestrate/runs-log.ts'
import { warehouseTablesOf } from '../warehouse/lab-feeds.ts'
import { DipError } from '../shared/errors.ts'
import { sleep } from '../shared/sleep.ts'

/** What `dip lab --reset` removed, for its confirmation message and the --json summary. */
export interface LabResetReport {
  readonly ksqlSources: readonly string[]
  readonly ksqlQueries: readonly string[]
  readonly topics: readonly string[]
  readonly lakeRoot: string
  readonly lakeFiles: number
  readonly warehouseTables: readonly { table: string; rows: number }[]
  readonly positions: number
  readonly rejects: number
  readonly runsLog: boolean
}

export interface LabResetDeps {
  readonly loaded: LoadedConfig
  readonly kafka: KafkaPorts
  readonly ksql: KsqlClient
  readonly connectMysql: () => Promise<MysqlPool>
  /** The topics the lab's migration files create: reset even when the ksqlDB server no longer knows them. */
  readonly migrationTopics: readonly string[]
  /**
   * Native mode: dip's own ksqlDB server, which is stopped while its topics (command topic
   * included) are deleted and started again empty. Docker mode (a real ksqlDB server): null, the
   * sources are dropped over REST and their topics deleted after.
   */
  readonly ownKsqlServer: OwnKsqlServer | null
}

export interface OwnKsqlServer {
  stop(): Promise<void>
  start(): Promise<void>
  /** Its command topic: the statements it replays on start. */
  readonly commandTopic: string
}

/** The lake's own areas under lake.root; nothing else there is touched. */
const LAKE_AREAS = ['streams', 'tables', '_errors'] as const
const TOPIC_GONE_LIMIT_MS = 60_000
/** The topic `dip produce` and the lab's first migration use. */
const RAW_TOPIC = 'transaction_log'

/**
 * Puts the lab back to before its first run: every ksqlDB stream, table and query goes, with the
 * topics they read or wrote and those the lab's migration files create; then everything dip derived from those topics: the lake's areas, the
 * warehouse rows and the sinks' positions and rejects of those topics, and the orchestrator's run
 * log. Nothing outside the lake root, the state dir, dip's database and those topics is touched.
 * Both locks are taken first, so a running lake sink or orchestrator makes the reset refuse.
 */
export async function resetLab(deps: LabResetDeps): Promise<LabResetReport> {
  const { loaded } = deps
  const orchestrator = await acquireOrchestratorLock(loaded.stateDir)
  try {
    const lakeLock = await acquireLakeLock(loaded.lakeRoot)
    try {
      const ksql = await listKsql(deps)
      const topics = await labTopics(deps, ksql)
      // The sinks' output first: if the reset stops half-way, what is left is still consistent
      // (topics with nothing sunk from them yet), and a second reset finishes the job.
      const warehouse = await purgeWarehouse(deps, topics)
      const lakeFiles = await purgeLake(loaded.lakeRoot)
      if (deps.ownKsqlServer === null) await dropThenDelete(deps, ksql, topics)
      else await wipeOwnServer(deps, deps.ownKsqlServer, topics)
      const runsLog = await removeIfPresent(join(loaded.stateDir, RUNS_FILE))
      return {
        ksqlSources: ksql.sources.map((source) => source.name),
        ksqlQueries: ksql.queries.map((query) => query.id),
        topics,
        lakeRoot: loaded.lakeRoot,
        lakeFiles,
        ...warehouse,
        runsLog,
      }
    } finally {
      await lakeLock.release()
    }
  } finally {
    await orchestrator.release()
  }
}

/** One line per kind of thing removed, for the terminal. */
export function describeReset(report: LabResetReport): string[] {
  const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '))
  const rows = report.warehouseTables.reduce((sum, t) => sum + t.rows, 0)
  return [
    `ksqlDB: dropped ${report.ksqlSources.length} stream(s)/table(s) (${list(report.ksqlSources)}), terminated ${report.ksqlQueries.length} quer(ies)`,
    `Kafka: deleted ${report.topics.length} topic(s) (${list(report.topics)})`,
    `lake: deleted ${report.lakeFiles} file(s) under ${report.lakeRoot} (${LAKE_AREAS.join(', ')})`,
    `MySQL: deleted ${rows} row(s) from ${report.warehouseTables.length} table(s) (${list(report.warehouseTables.map((t) => t.table))}), ${report.positions} position(s) in dip_offsets, ${report.rejects} reject(s)`,
    `run log: ${report.runsLog ? `deleted ${RUNS_FILE}` : 'none'}`,
  ]
}

interface KsqlListing {
  readonly sources: readonly (DropSource & { readonly topic: string })[]
  readonly queries: readonly DropQuery[]
}

/** The server's streams, tables and queries; dip's own server is restarted once if it does not answer. */
async function listKsql(deps: LabResetDeps): Promise<KsqlListing> {
  const list = async (): Promise<KsqlListing> => {
    const entities = await deps.ksql.execute('SHOW STREAMS; SHOW TABLES; SHOW QUERIES;')
    return {
      sources: entities.flatMap((e) =>
        e['@type'] === 'streams' || e['@type'] === 'tables'
          ? ((e[e['@type']] ?? []) as (DropSource & { topic: string })[])
          : [],
      ),
      queries: (entities.find((e) => e['@type'] === 'queries')?.['queries'] ?? []) as DropQuery[],
    }
  }
  const server = deps.ownKsqlServer
  if (server === null) return list()
  try {
    return await list()
  } catch {
    // A reset is what one reaches for when the lab is stuck: a restart rebuilds the server's state.
    await server.stop()
    await server.start()
    return list()
  }
}

/** The topics the lab's ksqlDB sources use, plus the raw topic, as far as Kafka has them. */
async function labTopics(deps: LabResetDeps, listing: KsqlListing): Promise<string[]> {
  const wanted = new Set([
    ...listing.sources.map((source) => source.topic),
    ...deps.migrationTopics,
    RAW_TOPIC,
  ])
  return (await kafkaTopics(deps.kafka)).filter((topic) => wanted.has(topic)).sort()
}

async function kafkaTopics(kafka: KafkaPorts): Promise<string[]> {
  const admin = kafka.admin()
  return admin.listTopics().finally(() => admin.close())
}

/**
 * dip's own server keeps every topic it reads in memory and replays its command topic on start:
 * deleting topics under a running server would leave it writing to topics that are gone. So it is
 * stopped, its sources' topics and its command topic are deleted, and it starts again empty.
 */
async function wipeOwnServer(
  deps: LabResetDeps,
  server: OwnKsqlServer,
  topics: readonly string[],
): Promise<void> {
  await server.stop()
  const command = (await kafkaTopics(deps.kafka)).filter((topic) => topic === server.commandTopic)
  await deleteTopics(deps.kafka, [...topics, ...command])
  await server.start()
}

/** A real ksqlDB server: queries terminated and sources dropped over REST (derived ones first), then their topics deleted. */
async function dropThenDelete(
  deps: LabResetDeps,
  listing: KsqlListing,
  topics: readonly string[],
): Promise<void> {
  const plan = planDrops(
    listing.sources,
    listing.queries,
    listing.sources.map((s) => s.name),
  )
  for (const step of plan) {
    for (const queryId of step.terminate) await deps.ksql.execute(`TERMINATE ${queryId};`)
    await deps.ksql.execute(`DROP ${step.type} IF EXISTS \`${step.name}\`;`)
  }
  await deleteTopics(deps.kafka, topics)
}

async function deleteTopics(kafka: KafkaPorts, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return
  const admin = kafka.admin()
  try {
    await admin.deleteTopics(topics)
    await waitUntilGone(admin, topics)
  } finally {
    await admin.close()
  }
}

async function waitUntilGone(admin: TopicAdmin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + TOPIC_GONE_LIMIT_MS
  for (;;) {
    const listed = new Set(await admin.listTopics())
    const left = topics.filter((topic) => listed.has(topic))
    if (left.length === 0) return
    if (Date.now() > deadline)
      throw new DipError('DIP_KAFKA', `Kafka still lists deleted topic(s) ${left.join(', ')}.`, {
        hint: 'the broker may be overloaded; check `dip logs kafka` and run `dip lab --reset` again',
      })
    await sleep(500)
  }
}

/**
 * The rows the warehouse sink wrote from the deleted topics, and every sink's position and rejects
 * for them: positions left behind would skip the re-created topics' first offsets.
 */
async function purgeWarehouse(
  deps: LabResetDeps,
  deleted: readonly string[],
): Promise<Pick<LabResetReport, 'warehouseTables' | 'positions' | 'rejects'>> {
  const { config } = deps.loaded
  const pool = await deps.connectMysql()
  try {
    const { rows } = await pool.query(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [config.mysql.database],
    )
    const existing = new Map(rows.map((row) => [String(row['name']).toLowerCase(), String(row['name'])]))
    // Positions of topics Kafka no longer has (an interrupted reset, a topic deleted by hand) are
    // stale too, and so are the rows written from them.
    const inKafka = new Set(await kafkaTopics(deps.kafka))
    const positioned = existing.has('dip_offsets')
      ? (await pool.query('SELECT DISTINCT topic FROM dip_offsets')).rows.map((row) => String(row['topic']))
      : []
    const topics = [...new Set([...deleted, ...positioned.filter((topic) => !inKafka.has(topic))])]
    if (topics.length === 0) return { warehouseTables: [], positions: 0, rejects: 0 }
    const warehouseTables: { table: string; rows: number }[] = []
    for (const topic of topics) {
      for (const name of warehouseTablesOf(topic, config.feeds)) {
        const table = existing.get(name)
        if (table === undefined || table === 'dip_offsets' || table === 'dip_rejects') continue
        const removed = await pool.query(`DELETE FROM ${quoteIdentifier(table, 'MySQL table')}`)
        warehouseTables.push({ table, rows: removed.affectedRows })
      }
    }
    const inTopics = `topic IN (${topics.map(() => '?').join(', ')})`
    const positions = existing.has('dip_offsets')
      ? (await pool.query(`DELETE FROM dip_offsets WHERE ${inTopics}`, topics)).affectedRows
      : 0
    const rejects = existing.has('dip_rejects')
      ? (await pool.query(`DELETE FROM dip_rejects WHERE ${inTopics}`, topics)).affectedRows
      : 0
    return { warehouseTables, positions, rejects }
  } finally {
    await pool.end()
  }
}

async function purgeLake(root: string): Promise<number> {
  let files = 0
  for (const area of LAKE_AREAS) {
    const dir = join(root, area)
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
    files += entries.filter((entry) => entry.isFile()).length
    await rm(dir, { recursive: true, force: true })
  }
  return files
}

async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await rm(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
