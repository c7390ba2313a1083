import type { KsqlFieldSchema, SourceSchema } from '../ksql-client/index.ts'
import { sqlTypes as types, type SqlType } from '../ksql-engine/light-api.ts'
import type { MysqlColumn } from './mysql-columns.ts'
import { WINDOW_END, WINDOW_START, type SourceColumn, type WarehouseSource } from './source-schema.ts'

/** DESCRIBE's field schema → SqlType. Unknown type names become STRING (stored as text). */
export function sqlTypeOf(schema: KsqlFieldSchema): SqlType {
  switch (schema.type.toUpperCase()) {
    case 'BOOLEAN':
      return types.BOOLEAN
    case 'INT':
    case 'INTEGER':
      return types.INTEGER
    case 'BIGINT':
      return types.BIGINT
    case 'DOUBLE':
      return types.DOUBLE
    case 'DECIMAL': {
      const precision = Number(schema.parameters?.['precision'] ?? 38)
      const scale = Number(schema.parameters?.['scale'] ?? 2)
      return types.decimal(Number.isFinite(precision) ? precision : 38, Number.isFinite(scale) ? scale : 2)
    }
    case 'BYTES':
      return types.BYTES
    case 'TIMESTAMP':
      return types.TIMESTAMP
    case 'DATE':
      return types.DATE
    case 'TIME':
      return types.TIME
    case 'ARRAY':
      return types.array(schema.memberSchema == null ? types.STRING : sqlTypeOf(schema.memberSchema))
    case 'MAP':
      return types.map(
        types.STRING,
        schema.memberSchema == null ? types.STRING : sqlTypeOf(schema.memberSchema),
      )
    case 'STRUCT':
      return types.struct(
        (schema.fields ?? []).map((field) => ({ name: field.name, type: sqlTypeOf(field.schema) })),
      )
    default:
      return types.STRING
  }
}

/**
 * A ksqlDB table → the warehouse's view: key columns, then the window bounds of a windowed key
 * (epoch ms, stored as DATETIME by auto-create), then value columns.
 */
export function warehouseSourceFromSchema(schema: SourceSchema): WarehouseSource {
  const column = (role: SourceColumn['role']) => (c: SourceSchema['keyColumns'][number]) => ({
    name: c.name,
    type: sqlTypeOf(c.schema),
    role,
  })
  const window: SourceColumn[] =
    schema.windowType === null
      ? []
      : [
          { name: WINDOW_START, type: types.TIMESTAMP, role: 'window' },
          { name: WINDOW_END, type: types.TIMESTAMP, role: 'window' },
        ]
  return {
    topic: schema.topic,
    name: schema.name,
    windowType: schema.windowType,
    columns: [
      ...schema.keyColumns.map(column('key')),
      ...window,
      ...schema.valueColumns.map(column('value')),
    ],
  }
}

/**
 * A table feed without a ksqlDB schema (config only): the existing MySQL table defines the
 * columns, its primary key the key. Columns MySQL fills itself (last_updated_at, auto-increment) are left out.
 */
export function warehouseSourceFromTable(
  topic: string,
  columns: readonly MysqlColumn[],
  renames: Readonly<Record<string, string>> = {},
): WarehouseSource {
  // Renames map record field → MySQL column; a column's field is the rename pointing at it.
  const fieldOf = new Map(Object.entries(renames).map(([field, column]) => [column.toLowerCase(), field]))
  const mysqlTypeToSql = (column: MysqlColumn): SqlType =>
    column.dataType === 'json' ? types.array(types.STRING) : types.STRING
  return {
    topic,
    name: topic,
    windowType: null,
    columns: columns
      .filter((column) => column.primaryKey || !column.serverFilled)
      .map((column) => ({
        name: fieldOf.get(column.name.toLowerCase()) ?? column.name.toUpperCase(),
        type: mysqlTypeToSql(column),
        role: column.primaryKey ? 'key' : 'value',
      })),
  }
}
