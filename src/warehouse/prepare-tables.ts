import type { FeedConfig } from '../config/config-schema.ts'
import type { ConsumedRecord } from '../kafka/ports.ts'
import { decodeRecord } from '../sinks/decode-record.ts'
import type { Feed } from '../sinks/feeds.ts'
import { assertNever } from '../shared/assert-never.ts'
import { DipError } from '../shared/errors.ts'
import { bindTable, type BindResult } from './bind-table.ts'
import { mapColumns, type TableMapping } from './column-mapping.ts'
import { COLUMNS_QUERY, toMysqlColumn, type MysqlColumn } from './mysql-columns.ts'
import type { SinkTable } from './run-warehouse-sink.ts'
import type { WarehouseOverrides } from './source-schema.ts'
import { warehouseSourceFromSchema, warehouseSourceFromTable } from './warehouse-source.ts'
import type { WarehouseConnection } from './warehouse-connection.ts'
import type { WarehouseRecord } from './warehouse-record.ts'

export interface PreparedTables {
  readonly tables: readonly SinkTable[]
  /** DDL run by --auto-create. */
  readonly created: readonly string[]
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
 * Feed → checked MySQL table. Every problem (missing table, missing column, unmapped key) is
 * collected and reported at once with the DDL that fixes it; with `autoCreate` that DDL is run.
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
  const problems: string[] = []
  const fixes: string[] = []
  const created: string[] = []
  const tables: SinkTable[] = []
  const seen = new Map<string, string>()
  for (const feed of input.feeds) {
    const overrides = overridesOf(input.configFeeds.find((f) => f.topic === feed.topic))
    let mapping: TableMapping
    if (feed.schema !== null) {
      mapping = mapColumns(warehouseSourceFromSchema(feed.schema), overrides)
    } else {
      const name = overrides.warehouseTable ?? feed.topic.toLowerCase()
      const existing = await readTableColumns(connection, input.database, name)
      if (existing.length === 0) {
        problems.push(
          `Topic ${feed.topic} has no ksqlDB schema and MySQL table ${name} does not exist, so its columns are unknown.`,
        )
        continue
      }
      mapping = mapColumns(warehouseSourceFromTable(feed.topic, existing, overrides.columns), overrides)
    }
    const clash = seen.get(mapping.table.toLowerCase())
    if (clash !== undefined) {
      problems.push(`Topics ${clash} and ${feed.topic} both write MySQL table ${mapping.table}.`)
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
      problems.push(problem.message)
      if (problem.ddl !== undefined) fixes.push(problem.ddl)
      continue
    }
    if (result.kind !== 'bound') continue
    const table = result.table
    const kind = feed.kind
    const schema = feed.schema
    tables.push({
      table,
      decode: (record) => toWarehouseRecord(record, decodeRecord(record, { kind, schema })),
    })
  }
  if (problems.length > 0) {
    throw new DipError(
      'DIP_SINK',
      `The warehouse tables do not match the ksqlDB tables:\n  - ${problems.join('\n  - ')}`,
      {
        hint:
          fixes.length > 0
            ? `Run with --auto-create, or apply this DDL (e.g. in database/schema.sql + \`dip db apply\`):\n\n${fixes.join('\n\n')}\n`
            : 'Create the tables (database/schema.sql + `dip db apply`) or map the columns in the feed config.',
        details: { problems, ddl: fixes },
      },
    )
  }
  return { tables, created }
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
