import { describe, expect, it } from 'vitest'
import { toSourceSchema } from '../ksql-client/source-schema.ts'
import type { QueryResult } from '../mysql/mysql-port.ts'
import type { Feed } from '../sinks/feeds.ts'
import { COLUMNS_QUERY } from './mysql-columns.ts'
import { prepareTables } from './prepare-tables.ts'
import type { WarehouseConnection } from './warehouse-connection.ts'

/** A ksqlDB table keyed by ID with the given value columns (all DOUBLE). */
function tableFeed(topic: string, values: readonly string[], key = 'ID'): Feed {
  return {
    topic,
    kind: 'table',
    origin: 'ksql',
    schema: toSourceSchema({
      name: topic,
      type: 'TABLE',
      topic,
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      windowType: null,
      fields: [
        { name: key, schema: { type: 'STRING' }, type: 'KEY' },
        ...values.map((name) => ({ name, schema: { type: 'DOUBLE' } })),
      ],
    }),
  }
}

/** information_schema rows of the tables that exist; DDL is recorded and refused when `refuse` says so. */
function fakeConnection(
  existing: Record<string, readonly string[]>,
  refuse: (sql: string) => unknown = () => undefined,
) {
  const ddl: string[] = []
  const tables = { ...existing }
  const result = (rows: Record<string, unknown>[] = []): QueryResult => ({
    rows,
    affectedRows: 0,
    warningCount: 0,
  })
  const connection: WarehouseConnection = {
    query(sql: string, params: readonly unknown[] = []) {
      if (sql === COLUMNS_QUERY) {
        const columns = tables[String(params[1])] ?? []
        return Promise.resolve(
          result(
            columns.map((name, index) => ({
              name,
              dataType: index === 0 ? 'varchar' : 'double',
              columnType: index === 0 ? 'varchar(64)' : 'double',
              nullable: index === 0 ? 'NO' : 'YES',
              columnKey: index === 0 ? 'PRI' : '',
              columnDefault: null,
              extra: '',
              numericScale: null,
              maxLength: index === 0 ? 64 : null,
            })),
          ),
        )
      }
      const refused = refuse(sql)
      if (refused !== undefined) return Promise.reject(refused as Error)
      ddl.push(sql)
      // A created table is there for the check that follows (its first column the key).
      const created = /CREATE TABLE IF NOT EXISTS `(\w+)`/.exec(sql)?.[1]
      if (created !== undefined) tables[created] = [...sql.matchAll(/^\s*`(\w+)`/gm)].map((m) => m[1] ?? '')
      return Promise.resolve(result())
    },
    close: () => Promise.resolve(),
  }
  return { connection, ddl }
}

const LONG = `AVERAGE_${'X'.repeat(60)}`

describe('prepareTables', () => {
  it('binds the good tables and fails each other table on its own, with its fix', async () => {
    const { connection } = fakeConnection({ good: ['id', 'n'], nocol: ['id'] })
    const prepared = await prepareTables(connection, {
      database: 'db',
      feeds: [
        tableFeed('BAD', ['N', LONG]),
        tableFeed('GOOD', ['N']),
        tableFeed('MISSING', ['N']),
        tableFeed('NOCOL', ['N']),
      ],
      configFeeds: [],
      autoCreate: false,
    })
    expect(prepared.tables.map((sink) => sink.table.table)).toEqual(['good'])
    expect(prepared.failed.map((f) => [f.topic, f.table, f.stage])).toEqual([
      ['BAD', 'bad', 'prepare'],
      ['MISSING', 'missing', 'prepare'],
      ['NOCOL', 'nocol', 'prepare'],
    ])
    const [bad, missing, nocol] = prepared.failed
    expect(bad?.error).toContain(
      `Column ${LONG} of ksqlDB table BAD (topic BAD) cannot become a MySQL column`,
    )
    expect(bad?.fix).toContain(`ignoreColumns: [${LONG}]`)
    expect(missing?.error).toBe('MySQL table missing (for topic MISSING) does not exist.')
    expect(missing?.fix).toContain('CREATE TABLE IF NOT EXISTS `missing`')
    expect(nocol?.fix).toContain('ALTER TABLE `nocol` ADD COLUMN `n`')
  })

  it('fails a table whose DDL MySQL refuses with the MySQL error; a lost connection stops all', async () => {
    const tooLong = Object.assign(new Error('Specified key was too long; max key length is 3072 bytes'), {
      errno: 1071,
      code: 'ER_TOO_LONG_KEY',
    })
    const { connection, ddl } = fakeConnection({}, (sql) => (sql.includes('`refused`') ? tooLong : undefined))
    const input = {
      database: 'db',
      feeds: [tableFeed('REFUSED', ['N']), tableFeed('CREATED', ['N'])],
      configFeeds: [],
      autoCreate: true,
    }
    const prepared = await prepareTables(connection, input)
    expect(ddl).toEqual([expect.stringContaining('CREATE TABLE IF NOT EXISTS `created`')])
    expect(prepared.failed).toEqual([
      {
        topic: 'REFUSED',
        table: 'refused',
        stage: 'prepare',
        error:
          'MySQL refused the DDL of table refused (topic REFUSED): ER_TOO_LONG_KEY (1071): Specified key was too long; max key length is 3072 bytes',
        fix: expect.stringContaining('database/schema.sql'),
      },
    ])

    const lost = Object.assign(new Error('Connection lost'), {
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
    })
    const broken = fakeConnection({}, () => lost)
    await expect(prepareTables(broken.connection, input)).rejects.toBe(lost)
  })

  it('lands a lab topic in its lab schema table unless the config has a feed for it', async () => {
    const purchases = tableFeed('PRODUCT_PURCHASES', ['TOTAL_QUANTITY', 'PURCHASE_COUNT'], 'PRODUCT_ID')
    const schema = { product_purchase_counts: ['product_id', 'purchase_count'] }
    const lab = await prepareTables(fakeConnection(schema).connection, {
      database: 'db',
      feeds: [purchases],
      configFeeds: [],
      autoCreate: false,
    })
    expect(lab.failed).toEqual([])
    expect(lab.tables.map((sink) => sink.table.columns.map((c) => [c.mapping.source, c.mysql.name]))).toEqual(
      [
        [
          ['PRODUCT_ID', 'product_id'],
          ['PURCHASE_COUNT', 'purchase_count'],
        ],
      ],
    )

    const own = fakeConnection(schema)
    const configured = await prepareTables(own.connection, {
      database: 'db',
      feeds: [purchases],
      configFeeds: [
        { topic: 'PRODUCT_PURCHASES', kind: 'table', enabled: true, warehouseTable: 'product_purchases' },
      ],
      autoCreate: true,
    })
    expect(configured.failed).toEqual([])
    expect(own.ddl).toEqual([expect.stringContaining('CREATE TABLE IF NOT EXISTS `product_purchases`')])
  })
})
