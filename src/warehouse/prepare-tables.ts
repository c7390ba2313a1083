import type { FeedConfig } from '../config/config-schema.ts'
import type { ConsumedRecord } from '../kafka/ports.ts'
import { decodeRecord } from '../sinks/decode-record.ts'
import type { Feed } from '../sinks/feeds.ts'
import { assertNever } from '../shared/assert-never.ts'
import { isDipError } from '../shared/errors.ts'
import { bindTable, type BindResult } from './bind-table.ts'
import { mapColumns, type TableMapping } from './column-mapping.ts'
import { labFeedFor } from './lab-feeds.ts'
import { COLUMNS_QUERY, toMysqlColumn, type MysqlColumn } from './mysql-columns.ts'
import type { SinkTable } from './run-warehouse-sink.ts'
import type { WarehouseOverrides } from './source-schema.ts'
import { isTableError, mysqlErrorText, type TableFailure } from './table-failure.ts'
import { warehouseSourceFromSchema, warehouseSourceFromTable } from './warehouse-source.ts'
import type { WarehouseConnection } from './warehouse-connection.ts'
import type { WarehouseRecord } from './warehouse-record.ts'

export interface PreparedTables {
  readonly tables: readonly SinkTable[]
  /** DDL run by --auto-create. */
  readonly created: readonly string[]
  /** Tables that cannot be written as they are: reported, their topics not read this run. */
  readonly failed: readonly TableFailure[]
}

/** The warehouse options of a config feed. */
export function overridesOf(feed: FeedConfig | undefined): WarehouseOverrides {
  if (feed === undefined) return {}
  return { warehouseTable: feed.warehouseTable, columns: feed.columns, ignoreColumns: feed.ignoreColumns }
}

export async function readTableColumns(
  connection: WarehouseConnection,
  database: string,
  table: string,
): Promise<MysqlColumn[]> {
  const { rows } = await connection.query(COLUMNS_QUERY, [database, table])
  return rows.map(toMysqlColumn)
}

/**
 * Feed → checked MySQL table, each feed on its own: a problem (a name MySQL refuses, a missing
 * table or column, an unmapped key, DDL MySQL refuses) fails that table only, with the DDL or the
 * feed entry that fixes it, and the other tables are still written. With `autoCreate` missing
 * tables and columns are created.
 */
export async function prepareTables(
  connection: WarehouseConnection,
  input: {
    readonly database: string
    readonly feeds: readonly Feed[]
    readonly configFeeds: readonly FeedConfig[]
    readonly autoCreate: boolean
  },
): Promise<PreparedTables> {
  const failed: TableFailure[] = []
  const created: string[] = []
  const tables: SinkTable[] = []
  const seen = new Map<string, string>()
  for (const feed of input.feeds) {
    const fail = (table: string, error: string, fix: string) =>
      void failed.push({ topic: feed.topic, table, stage: 'prepare', error, fix })
    let table = feed.topic.toLowerCase()
    try {
      const mapping = await mapFeed(connection, input, feed)
      if (typeof mapping === 'string') {
        fail(table, mapping, CREATE_OR_MAP)
        continue
      }
      table = mapping.table
      const clash = seen.get(mapping.table.toLowerCase())
      if (clash !== undefined) {
        fail(
          table,
          `Topics ${clash} and ${feed.topic} both write MySQL table ${mapping.table}.`,
          'Give one of them another table with `warehouseTable` in its feed (dip.config.yaml).',
        )
        continue
      }
      seen.set(mapping.table.toLowerCase(), feed.topic)
      let result = bindTable(mapping, await readTableColumns(connection, input.database, mapping.table))
      if (input.autoCreate && (result.kind === 'missing-table' || result.kind === 'missing-columns')) {
        await connection.query(result.ddl)
        created.push(result.ddl)
        result = bindTable(mapping, await readTableColumns(connection, input.database, mapping.table))
      }
      const problem = describeProblem(feed.topic, result)
      if (problem !== undefined) {
        fail(
          table,
          problem.message,
          problem.ddl === undefined
            ? CREATE_OR_MAP
            : `Run with --auto-create, or apply this DDL (e.g. in database/schema.sql + \`dip db apply\`):\n\n${problem.ddl}\n`,
        )
        continue
      }
      if (result.kind !== 'bound') continue
      const kind = feed.kind
      const schema = feed.schema
      tables.push({
        table: result.table,
        decode: (record) => toWarehouseRecord(record, decodeRecord(record, { kind, schema })),
      })
    } catch (error) {
      if (isDipError(error)) fail(table, error.message, error.hint ?? CREATE_OR_MAP)
      else if (isTableError(error))
        fail(
          table,
          `MySQL refused the DDL of table ${table} (topic ${feed.topic}): ${mysqlErrorText(error)}`,
          'Create the table yourself (database/schema.sql + `dip db apply`) or map the topic to another table in its feed.',
        )
      // Connection errors: the session runs the whole preparation again on a new connection.
      else throw error
    }
  }
  return { tables, created, failed }
}

const CREATE_OR_MAP =
  'Create the tables (database/schema.sql + `dip db apply`) or map the columns in the feed config.'

/** The feed's column mapping, or why there is none. */
async function mapFeed(
  connection: WarehouseConnection,
  input: { readonly database: string; readonly configFeeds: readonly FeedConfig[] },
  feed: Feed,
): Promise<TableMapping | string> {
  const configured = input.configFeeds.find((f) => f.topic === feed.topic)
  const overrides = overridesOf(configured)
  if (feed.schema !== null) {
    const source = warehouseSourceFromSchema(feed.schema)
    return mapColumns(source, configured === undefined ? overridesOf(labFeedFor(source)) : overrides)
  }
  const name = overrides.warehouseTable ?? feed.topic.toLowerCase()
  const existing = await readTableColumns(connection, input.database, name)
  if (existing.length === 0)
    return `Topic ${feed.topic} has no ksqlDB schema and MySQL table ${name} does not exist, so its columns are unknown.`
  return mapColumns(warehouseSourceFromTable(feed.topic, existing, overrides.columns), overrides)
}

function describeProblem(topic: string, result: BindResult): { message: string; ddl?: string } | undefined {
  switch (result.kind) {
    case 'bound':
      return undefined
    case 'missing-table':
      return { message: `MySQL table ${result.table} (for topic ${topic}) does not exist.`, ddl: result.ddl }
    case 'missing-columns':
      return {
        message: `MySQL table ${result.table} (for topic ${topic}) lacks column(s) ${result.columns.join(', ')}.`,
        ddl: result.ddl,
      }
    case 'unmapped-columns':
      return {
        message: `MySQL table ${result.table} has required column(s) ${result.columns.join(', ')} that no column of topic ${topic} feeds.`,
      }
    default:
      return assertNever(result, 'bind result')
  }
}

function toWarehouseRecord(
  record: ConsumedRecord,
  decoded: ReturnType<typeof decodeRecord>,
): WarehouseRecord {
  const ref = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
  }
  if (!decoded.ok)
    return { kind: 'invalid', ref, reason: `cannot decode the record's ${decoded.error.message}` }
  return decoded.deleted ? { kind: 'delete', ref, key: decoded.row } : { kind: 'row', ref, row: decoded.row }
}
