import { formatSqlType } from '../types/sql-type.ts'
import { assertNever } from '../../shared/assert-never.ts'
import type { Expression } from './nodes.ts'

/** AST → ksqlDB's canonical expression text, as used in its error messages: `(F1 + F2)`, `SUBSTRING(S, 0, 1)`. */
export function formatExpression(expr: Expression): string {
  switch (expr.kind) {
    case 'literal':
      if (expr.type === 'NULL') return 'null'
      if (expr.type === 'STRING') return `'${String(expr.value).replace(/'/g, "''")}'`
      if (expr.type === 'BOOLEAN') return expr.value === true ? 'true' : 'false'
      return String(expr.value)
    case 'column':
      return expr.qualifier === null
        ? formatName(expr.name)
        : `${formatName(expr.qualifier)}.${formatName(expr.name)}`
    case 'deref':
      return `${formatExpression(expr.base)}->${formatName(expr.field)}`
    case 'subscript':
      return `${formatExpression(expr.base)}[${formatExpression(expr.index)}]`
    case 'arith':
      return `(${formatExpression(expr.left)} ${expr.op} ${formatExpression(expr.right)})`
    case 'concatOp':
      return `(${formatExpression(expr.left)} || ${formatExpression(expr.right)})`
    case 'comparison':
      return `(${formatExpression(expr.left)} ${expr.op} ${formatExpression(expr.right)})`
    case 'logical':
      return `(${formatExpression(expr.left)} ${expr.op} ${formatExpression(expr.right)})`
    case 'not':
      return `(NOT ${formatExpression(expr.operand)})`
    case 'negate':
      return `-${formatExpression(expr.operand)}`
    case 'isNull':
      return `(${formatExpression(expr.operand)} IS ${expr.negated ? 'NOT ' : ''}NULL)`
    case 'between':
      return `(${formatExpression(expr.operand)} ${expr.negated ? 'NOT ' : ''}BETWEEN ${formatExpression(expr.low)} AND ${formatExpression(expr.high)})`
    case 'in':
      return `(${formatExpression(expr.operand)} ${expr.negated ? 'NOT ' : ''}IN (${expr.list.map(formatExpression).join(', ')}))`
    case 'like':
      return `(${formatExpression(expr.operand)} ${expr.negated ? 'NOT ' : ''}LIKE ${formatExpression(expr.pattern)}${expr.escape === null ? '' : ` ESCAPE '${expr.escape}'`})`
    case 'case': {
      const parts = ['(CASE']
      if (expr.operand !== null) parts.push(formatExpression(expr.operand))
      for (const w of expr.whens)
        parts.push(`WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`)
      if (expr.otherwise !== null) parts.push(`ELSE ${formatExpression(expr.otherwise)}`)
      parts.push('END)')
      return parts.join(' ')
    }
    case 'cast':
      return `CAST(${formatExpression(expr.operand)} AS ${formatSqlType(expr.type)})`
    case 'call':
      return `${expr.name}(${expr.star ? '*' : expr.args.map(formatExpression).join(', ')})`
    case 'arrayCtor':
      return `ARRAY[${expr.items.map(formatExpression).join(', ')}]`
    case 'mapCtor':
      return `MAP(${expr.entries.map((e) => `${formatExpression(e.key)}:=${formatExpression(e.value)}`).join(', ')})`
    case 'structCtor':
      return `STRUCT(${expr.fields.map((f) => `${formatName(f.name)}:=${formatExpression(f.value)}`).join(', ')})`
    case 'lambda':
      return `(${expr.params.join(', ')}) => ${formatExpression(expr.body)}`
    default:
      return assertNever(expr, 'expression')
  }
}

/** Names that would not survive a round trip unquoted are back-quoted, as ksqlDB does. */
export function formatName(name: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : `\`${name}\``
}
