import { describe, expect, it } from 'vitest'
import { formatSqlType } from '../ksql-engine/types/sql-type.ts'
import { toSourceSchema } from '../ksql-client/source-schema.ts'
import { toMysqlColumn } from './mysql-columns.ts'
import { sqlTypeOf, warehouseSourceFromSchema, warehouseSourceFromTable } from './warehouse-source.ts'

describe('warehouseSourceFromSchema', () => {
  it('lists key columns, then the window bounds of a windowed table, then value columns', () => {
    const schema = toSourceSchema({
      name: 'W',
      type: 'TABLE',
      topic: 'W',
      keyFormat: 'JSON',
      valueFormat: 'JSON',
      windowType: 'HOPPING',
      fields: [
        { name: 'A', schema: { type: 'STRING' }, type: 'KEY' },
        { name: 'B', schema: { type: 'INTEGER' }, type: 'KEY' },
        { name: 'TOTAL', schema: { type: 'DECIMAL', parameters: { precision: 15, scale: 2 } } },
        {
          name: 'LOC',
          schema: { type: 'STRUCT', fields: [{ name: 'CITY', schema: { type: 'STRING' } }] },
        },
        { name: 'TAGS', schema: { type: 'MAP', memberSchema: { type: 'BIGINT' } } },
      ],
    })
    const source = warehouseSourceFromSchema(schema)
    expect(source.columns.map((c) => [c.name, c.role, formatSqlType(c.type)])).toEqual([
      ['A', 'key', 'STRING'],
      ['B', 'key', 'INTEGER'],
      ['WINDOWSTART', 'window', 'TIMESTAMP'],
      ['WINDOWEND', 'window', 'TIMESTAMP'],
      ['TOTAL', 'value', 'DECIMAL(15, 2)'],
      ['LOC', 'value', 'STRUCT<`CITY` STRING>'],
      ['TAGS', 'value', 'MAP<STRING, BIGINT>'],
    ])
  })

  it('reads unknown type names as STRING', () => {
    expect(sqlTypeOf({ type: 'GEOMETRY' })).toEqual({ kind: 'STRING' })
  })
})

describe('warehouseSourceFromTable', () => {
  const columns = [
    {
      name: 'user_id',
      dataType: 'varchar',
      columnType: 'varchar(64)',
      nullable: 'NO',
      columnKey: 'PRI',
      columnDefault: null,
      extra: '',
    },
    {
      name: 'permission',
      dataType: 'enum',
      columnType: "enum('read','write','none')",
      nullable: 'NO',
      columnKey: '',
      columnDefault: "'none'",
      extra: '',
    },
    {
      name: 'note',
      dataType: 'text',
      columnType: 'text',
      nullable: 'YES',
      columnKey: '',
      columnDefault: 'NULL',
      extra: '',
    },
    {
      name: 'last_updated_at',
      dataType: 'timestamp',
      columnType: 'timestamp',
      nullable: 'YES',
      columnKey: '',
      columnDefault: 'current_timestamp()',
      extra: 'on update current_timestamp()',
    },
    {
      name: 'id',
      dataType: 'bigint',
      columnType: 'bigint(20)',
      nullable: 'NO',
      columnKey: '',
      columnDefault: null,
      extra: 'auto_increment',
    },
  ].map(toMysqlColumn)

  it('takes every column MySQL does not fill itself, the primary key as the key', () => {
    const source = warehouseSourceFromTable('perms', columns, { folder: 'note' })
    expect(source.columns.map((c) => [c.name, c.role])).toEqual([
      ['USER_ID', 'key'],
      ['PERMISSION', 'value'],
      ['folder', 'value'],
    ])
  })

  it('reads information_schema rows, including MariaDB writing a missing default as NULL', () => {
    expect(columns.map((c) => [c.name, c.optional, c.serverFilled])).toEqual([
      ['user_id', false, false],
      ['permission', true, false],
      ['note', true, false],
      ['last_updated_at', true, true],
      ['id', true, true],
    ])
  })
})
