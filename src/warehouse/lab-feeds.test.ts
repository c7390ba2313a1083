import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { array, BIGINT, DOUBLE, INTEGER, STRING, type SqlType } from '../ksql-engine/types/sql-type.ts'
import { splitSql } from '../mysql/split-sql.ts'
import { bindTable } from './bind-table.ts'
import { mapColumns } from './column-mapping.ts'
import { LAB_WAREHOUSE_FEEDS, labFeedFor, warehouseTablesOf } from './lab-feeds.ts'
import type { MysqlColumn } from './mysql-columns.ts'
import { planBatch } from './plan-batch.ts'
import { overridesOf } from './prepare-tables.ts'
import type { SourceColumn, WarehouseSource } from './source-schema.ts'
import { ref } from './test-fixtures.ts'

/** The lab tables of database/schema.sql as information_schema would describe them. */
function labSchema(): Map<string, MysqlColumn[]> {
  const text = readFileSync(new URL('../../database/schema.sql', import.meta.url), 'utf8')
  const tables = new Map<string, MysqlColumn[]>()
  for (const { sql } of splitSql(text)) {
    const table = /CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*)\)\s*ENGINE/.exec(sql)
    if (table === null) continue
    const lines = (table[2] ?? '').split('\n').map((line) => line.trim().replace(/,$/, ''))
    const primary = new Set(
      (/PRIMARY KEY \(([^)]*)\)/.exec(table[2] ?? '')?.[1] ?? '')
        .split(',')
        .map((c) => c.trim().replace(/`/g, '')),
    )
    const columns: MysqlColumn[] = []
    for (const line of lines) {
      const column = /^`?(\w+)`? ([A-Za-z]+(?:\([^)]*\))?)(.*)$/.exec(line)
      if (column === null || /^(PRIMARY|UNIQUE|KEY)\b/.test(line)) continue
      const [, name = '', type = '', rest = ''] = column
      const nullable = !/NOT NULL/i.test(rest)
      const hasDefault = /DEFAULT|AUTO_INCREMENT/i.test(rest)
      columns.push({
        name,
        dataType: (/^[a-z]+/i.exec(type)?.[0] ?? type).toLowerCase(),
        columnType: type.toLowerCase(),
        nullable,
        primaryKey: primary.has(name),
        optional: nullable || hasDefault,
        serverFilled: /CURRENT_TIMESTAMP|AUTO_INCREMENT/i.test(rest),
        numericScale: Number(/,\s*(\d+)\)/.exec(type)?.[1] ?? Number.NaN) || null,
        maxLength: Number(/^(?:var)?char\((\d+)\)/i.exec(type)?.[1] ?? Number.NaN) || null,
      })
    }
    tables.set(table[1] ?? '', columns)
  }
  return tables
}

const key = (name: string, type: SqlType = STRING): SourceColumn => ({ name, type, role: 'key' })
const value = (name: string, type: SqlType): SourceColumn => ({ name, type, role: 'value' })
const windowBounds: SourceColumn[] = [
  { name: 'WINDOWSTART', type: { kind: 'TIMESTAMP' }, role: 'window' },
  { name: 'WINDOWEND', type: { kind: 'TIMESTAMP' }, role: 'window' },
]

/** The lab's ksqlDB tables (ksql/V000010..13), as DESCRIBE reports them. */
const LAB_TABLES: readonly WarehouseSource[] = [
  {
    topic: 'SPENT_PER_USER_AND_TYPE',
    name: 'SPENT_PER_USER_AND_TYPE',
    windowType: null,
    columns: [key('USER_ID'), key('TRANSACTION_TYPE'), value('TOTAL_SPENT_USD', DOUBLE)],
  },
  {
    topic: 'TRANSACTION_STATUS_HISTORY',
    name: 'TRANSACTION_STATUS_HISTORY',
    windowType: null,
    columns: [
      key('TRANSACTION_ID'),
      value('CURRENT_STATUS', STRING),
      value('STATUS_HISTORY', array(STRING)),
      value('UPDATE_COUNT', BIGINT),
      value('LAST_UPDATE_TIME', STRING),
    ],
  },
  {
    topic: 'SLIDING_AMOUNT_PER_TYPE',
    name: 'SLIDING_AMOUNT_PER_TYPE',
    windowType: 'HOPPING',
    columns: [
      key('TRANSACTION_TYPE'),
      ...windowBounds,
      value('TOTAL_AMOUNT_5MIN', DOUBLE),
      value('TRANSACTION_COUNT_5MIN', BIGINT),
      value('WINDOW_START', BIGINT),
      value('WINDOW_END', BIGINT),
    ],
  },
  {
    topic: 'PRODUCT_PURCHASES',
    name: 'PRODUCT_PURCHASES',
    windowType: null,
    columns: [key('PRODUCT_ID'), value('TOTAL_QUANTITY', INTEGER), value('PURCHASE_COUNT', BIGINT)],
  },
]

describe('LAB_WAREHOUSE_FEEDS', () => {
  const schema = labSchema()

  it.each(LAB_TABLES.map((source) => [source.name, source] as const))(
    'lands %s in its database/schema.sql table',
    (_name, source) => {
      const feed = LAB_WAREHOUSE_FEEDS.find((f) => f.topic === source.topic)
      const mapping = mapColumns(source, overridesOf(feed))
      const result = bindTable(mapping, schema.get(mapping.table))
      expect(result.kind).toBe('bound')
    },
  )

  it('converts a lab row of each table without rejects', () => {
    const rows: Record<string, Record<string, unknown>> = {
      SPENT_PER_USER_AND_TYPE: { USER_ID: 'USER-1234', TRANSACTION_TYPE: 'refund', TOTAL_SPENT_USD: 1234.5 },
      TRANSACTION_STATUS_HISTORY: {
        TRANSACTION_ID: 'TXN-0a1b2c3d',
        CURRENT_STATUS: 'completed',
        STATUS_HISTORY: ['pending', 'completed'],
        UPDATE_COUNT: 2,
        LAST_UPDATE_TIME: '2025-04-08T09:19:02.128833Z',
      },
      SLIDING_AMOUNT_PER_TYPE: {
        TRANSACTION_TYPE: 'purchase',
        WINDOWSTART: 1744103940000,
        WINDOWEND: 1744104240000,
        TOTAL_AMOUNT_5MIN: 812.25,
        TRANSACTION_COUNT_5MIN: 3,
      },
      PRODUCT_PURCHASES: { PRODUCT_ID: 'PROD-123', TOTAL_QUANTITY: 7, PURCHASE_COUNT: 3 },
    }
    for (const source of LAB_TABLES) {
      const mapping = mapColumns(
        source,
        overridesOf(LAB_WAREHOUSE_FEEDS.find((f) => f.topic === source.topic)),
      )
      const result = bindTable(mapping, schema.get(mapping.table))
      if (result.kind !== 'bound') throw new Error(`${source.name}: ${result.kind}`)
      const plan = planBatch(result.table, [{ kind: 'row', ref: ref(0), row: rows[source.name] ?? {} }])
      expect(plan.rejects).toEqual([])
      expect(plan.upserts).toHaveLength(1)
    }
  })

  it('feeds every lab table of database/schema.sql from a table the shipped ksql/ creates', () => {
    const own = new Set(['dip_offsets', 'dip_rejects', 'user_permissions'])
    expect(LAB_WAREHOUSE_FEEDS.map((feed) => feed.warehouseTable).sort()).toEqual(
      [...schema.keys()].filter((table) => !own.has(table)).sort(),
    )
    const dir = new URL('../../ksql/', import.meta.url)
    const ksql = readdirSync(dir)
      .map((file) => readFileSync(new URL(file, dir), 'utf8'))
      .join('\n')
    const created = [...ksql.matchAll(/CREATE TABLE (\w+)/gi)].map((match) => (match[1] ?? '').toUpperCase())
    for (const feed of LAB_WAREHOUSE_FEEDS) expect(created).toContain(feed.topic)
  })

  it('applies to a ksqlDB table of a lab topic only when it has the columns the feed names', () => {
    for (const source of LAB_TABLES)
      expect(labFeedFor(source)).toBe(LAB_WAREHOUSE_FEEDS.find((f) => f.topic === source.topic))
    const own: WarehouseSource = {
      topic: 'PRODUCT_PURCHASES',
      name: 'PRODUCT_PURCHASES',
      windowType: null,
      columns: [key('PRODUCT_ID'), value('N', BIGINT)],
    }
    expect(labFeedFor(own)).toBeUndefined()
    expect(labFeedFor({ ...own, topic: 'OTHER' })).toBeUndefined()
  })

  it('names the tables a lab topic may have written, for dip lab --reset', () => {
    expect(warehouseTablesOf('PRODUCT_PURCHASES', [])).toEqual([
      'product_purchase_counts',
      'product_purchases',
    ])
    expect(
      warehouseTablesOf('PRODUCT_PURCHASES', [
        { topic: 'PRODUCT_PURCHASES', kind: 'table', enabled: true, warehouseTable: 'mine' },
      ]),
    ).toEqual(['mine', 'product_purchases'])
    expect(warehouseTablesOf('AMOUNT_PER_TYPE', [])).toEqual(['amount_per_type'])
  })
})
