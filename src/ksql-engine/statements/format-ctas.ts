import type { QueryAnalysis } from '../analyzer/analyze-query.ts'
import { qualifyAll } from '../analyzer/query-helpers.ts'
import { StatementError } from '../expression/statement-error.ts'
import type { Expression, PropertyValue, Statement } from '../parser/ast.ts'
import { formatExpression } from '../expression/format-sql.ts'

/**
 * The text ksqlDB shows after "Statement:" for a CSAS/CTAS it rejects while building the sink: its
 * rewritten form, every column qualified by the source and named, one SELECT item per line.
 * Null when the query has parts this rendering does not cover (`*`, windows, joins).
 */
export function formatCreateAsSelect(
  statement: Statement & { kind: 'createAsSelect' },
  analysis: QueryAnalysis,
): string | null {
  const query = statement.query
  if (query.joins.length > 0 || query.window !== null || query.partitionBy !== null) return null
  if (
    query.select.some((item) => item.kind !== 'expr') ||
    analysis.selectOrder.length !== query.select.length
  )
    return null
  const source = query.from.alias ?? query.from.name
  const qualified = (e: Expression): string => formatExpression(qualifyAll(e, source))
  const items = query.select.map((item, i) => {
    const place = analysis.selectOrder[i]
    const columns = place?.namespace === 'key' ? analysis.schema.key : analysis.schema.value
    const name = place === undefined ? undefined : columns[place.index]?.name
    return item.kind === 'expr' && name !== undefined ? `  ${qualified(item.expr)} ${name}` : null
  })
  if (items.some((i) => i === null)) return null
  const props = Object.entries(statement.properties)
  const withClause =
    props.length === 0 ? '' : ` WITH (${props.map(([k, v]) => `${k}=${literal(v)}`).join(', ')})`
  return [
    `CREATE ${statement.sourceType} ${statement.name}${withClause} AS SELECT`,
    items.join(',\n'),
    `FROM ${query.from.name} ${source}`,
    ...(query.where === null ? [] : [`WHERE ${qualified(query.where)}`]),
    ...(query.groupBy === null ? [] : [`GROUP BY ${query.groupBy.map(qualified).join(', ')}`]),
    ...(query.having === null ? [] : [`HAVING ${qualified(query.having)}`]),
    'EMIT CHANGES',
  ].join('\n')
}

function literal(value: PropertyValue): string {
  return typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value)
}

/** Runs a sink check, adding ksqlDB's "Statement: <rewritten query>" to a key format refusal. */
export function withRewrittenStatement<T>(
  statement: Statement & { kind: 'createAsSelect' },
  analysis: QueryAnalysis,
  build: () => T,
): T {
  try {
    return build()
  } catch (error) {
    if (
      !(error instanceof StatementError) ||
      !error.message.startsWith('Key format does not support schema.')
    )
      throw error
    const text = formatCreateAsSelect(statement, analysis)
    throw text === null ? error : new StatementError(`${error.message}\nStatement: ${text}`)
  }
}
