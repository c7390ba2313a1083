import { checkTimestampColumn, propertyString } from '../analyzer/analyze-create-source.ts'
import type { LogicalSchema } from '../metastore/source.ts'
import type { Statement } from '../parser/ast.ts'

/**
 * A CSAS/CTAS's WITH (TIMESTAMP=...) names a column of its result. ksqlDB reports a column the
 * projection cannot produce before any projection error, so names are checked first (when the
 * SELECT has no `*`) and the type once the result schema is known.
 */
export function checkSinkTimestamp(
  statement: Statement & { kind: 'createAsSelect' },
  schema?: LogicalSchema,
): void {
  const column = propertyString(statement.properties, 'TIMESTAMP')?.toUpperCase() ?? null
  const format = propertyString(statement.properties, 'TIMESTAMP_FORMAT') ?? null
  if (column === null) return
  if (schema !== undefined) return checkTimestampColumn([...schema.key, ...schema.value], column, format)
  const names: string[] = []
  for (const item of statement.query.select) {
    if (item.kind !== 'expr') return
    if (item.alias !== null) names.push(item.alias)
    else if (item.expr.kind === 'column') names.push(item.expr.name)
    else if (item.expr.kind === 'deref') names.push(item.expr.field)
    else return
  }
  if (!names.includes(column)) checkTimestampColumn([], column, format)
}
