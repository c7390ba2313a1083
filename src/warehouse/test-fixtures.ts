import type { BoundTable } from './bind-table.ts'
import { bindTable } from './bind-table.ts'
import type { TableMapping } from './column-mapping.ts'
import type { MysqlColumn } from './mysql-columns.ts'
import type { RecordRef } from './warehouse-record.ts'

/** Test helpers: literal-built MySQL columns, bound tables and record refs. */
export function mysqlColumn(name: string, columnType: string, extra: Partial<MysqlColumn> = {}): MysqlColumn {
  const dataType = /^[a-z]+/.exec(columnType)?.[0] ?? columnType
  const scale = /\(\d+,(\d+)\)/.exec(columnType)?.[1]
  const length = /^(var)?char\((\d+)\)/.exec(columnType)?.[2]
  return {
    name,
    dataType,
    columnType,
    nullable: true,
    primaryKey: false,
    optional: true,
    serverFilled: false,
    numericScale: scale === undefined ? null : Number(scale),
    maxLength: length === undefined ? null : Number(length),
    ...extra,
  }
}

export function keyColumn(name: string, columnType: string): MysqlColumn {
  return mysqlColumn(name, columnType, {
    nullable: false,
    primaryKey: true,
    optional: false,
    serverFilled: false,
  })
}

export function bound(mapping: TableMapping, columns: readonly MysqlColumn[]): BoundTable {
  const result = bindTable(mapping, columns)
  if (result.kind !== 'bound') throw new Error(`fixture does not bind: ${result.kind}`)
  return result.table
}

export function ref(offset: number, partition = 0, topic = 'T'): RecordRef {
  return { topic, partition, offset: BigInt(offset), key: Buffer.from(`k${offset}`), value: null }
}
