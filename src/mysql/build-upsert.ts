import { quoteIdentifier } from './quote-identifier.ts'

export interface SqlStatement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/**
 * One multi-row upsert: `INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE b = VALUES(b)`.
 * The `VALUES(col)` form works on MySQL 8 (deprecated, still supported) and MariaDB, which lacks the
 * `AS new` alias form. Rows are arrays in `columns` order. Key columns are not updated; when every
 * column is a key column the update clause rewrites the first key to itself, so duplicates are no-ops.
 */
export function buildUpsert(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { readonly keyColumns?: readonly string[] } = {},
): SqlStatement {
  if (columns.length === 0) throw new Error('buildUpsert needs at least one column')
  if (rows.length === 0) throw new Error('buildUpsert needs at least one row')
  const quoted = columns.map((column) => quoteIdentifier(column, 'column'))
  const keys = new Set(options.keyColumns ?? [])
  const updates = columns
    .map((column, i) => ({ column, quotedName: quoted[i] ?? '' }))
    .filter(({ column }) => !keys.has(column))
    .map(({ quotedName }) => `${quotedName} = VALUES(${quotedName})`)
  if (updates.length === 0) updates.push(`${quoted[0]} = ${quoted[0]}`)
  const tuple = `(${columns.map(() => '?').join(', ')})`
  const params: unknown[] = []
  for (const row of rows) {
    if (row.length !== columns.length)
      throw new Error(`row has ${row.length} values for ${columns.length} columns`)
    params.push(...row)
  }
  const sql =
    `INSERT INTO ${quoteIdentifier(table, 'table')} (${quoted.join(', ')}) VALUES ` +
    `${Array.from(rows, () => tuple).join(', ')} ON DUPLICATE KEY UPDATE ${updates.join(', ')}`
  return { sql, params }
}

/** `DELETE FROM t WHERE (a, b) IN ((?, ?), (?, ?))`: one statement for many keys. */
export function buildDeleteByKeys(
  table: string,
  keyColumns: readonly string[],
  keys: readonly (readonly unknown[])[],
): SqlStatement {
  if (keyColumns.length === 0) throw new Error('buildDeleteByKeys needs at least one key column')
  if (keys.length === 0) throw new Error('buildDeleteByKeys needs at least one key')
  const quoted = keyColumns.map((column) => quoteIdentifier(column, 'column'))
  const tuple = `(${keyColumns.map(() => '?').join(', ')})`
  const params: unknown[] = []
  for (const key of keys) {
    if (key.length !== keyColumns.length)
      throw new Error(`key has ${key.length} values for ${keyColumns.length} columns`)
    params.push(...key)
  }
  const sql =
    `DELETE FROM ${quoteIdentifier(table, 'table')} WHERE (${quoted.join(', ')}) IN ` +
    `(${Array.from(keys, () => tuple).join(', ')})`
  return { sql, params }
}
