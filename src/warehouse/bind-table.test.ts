import { describe, expect, it } from 'vitest'
import { DOUBLE, STRING } from '../ksql-engine/types/sql-type.ts'
import { bindTable } from './bind-table.ts'
import { mapColumns } from './column-mapping.ts'
import { keyColumn, mysqlColumn } from './test-fixtures.ts'

const mapping = mapColumns({
  topic: 'PRODUCT_COUNTS',
  name: 'PRODUCT_COUNTS',
  windowType: null,
  columns: [
    { name: 'PRODUCT_ID', type: STRING, role: 'key' },
    { name: 'PURCHASE_COUNT', type: DOUBLE, role: 'value' },
  ],
})

describe('bindTable', () => {
  it('binds to an existing table, matching names case-insensitively and ignoring defaulted extras', () => {
    const result = bindTable(mapping, [
      keyColumn('Product_Id', 'varchar(64)'),
      mysqlColumn('purchase_count', 'bigint(20)'),
      mysqlColumn('last_updated_at', 'timestamp', { nullable: false, optional: true }),
    ])
    expect(result.kind).toBe('bound')
    if (result.kind !== 'bound') return
    expect(result.table.columns.map((c) => c.mysql.name)).toEqual(['Product_Id', 'purchase_count'])
    expect(result.table.keyColumns.map((c) => c.mysql.name)).toEqual(['Product_Id'])
  })

  it('reports a missing table with the CREATE TABLE that fixes it', () => {
    const result = bindTable(mapping, undefined)
    expect(result).toMatchObject({ kind: 'missing-table', table: 'product_counts' })
    expect(result.kind === 'missing-table' && result.ddl).toMatch(
      /^CREATE TABLE IF NOT EXISTS `product_counts`/,
    )
  })

  it('reports missing columns with the ALTER TABLE that fixes it', () => {
    expect(bindTable(mapping, [keyColumn('product_id', 'varchar(64)')])).toEqual({
      kind: 'missing-columns',
      table: 'product_counts',
      columns: ['purchase_count'],
      ddl: 'ALTER TABLE `product_counts` ADD COLUMN `purchase_count` DOUBLE NULL;',
    })
  })

  it('reports primary-key or required columns nothing feeds', () => {
    expect(
      bindTable(mapping, [
        keyColumn('product_id', 'varchar(64)'),
        keyColumn('region', 'varchar(8)'),
        mysqlColumn('purchase_count', 'bigint(20)'),
      ]),
    ).toEqual({ kind: 'unmapped-columns', table: 'product_counts', columns: ['region'] })
  })
})
