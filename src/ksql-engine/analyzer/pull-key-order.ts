import type { Column } from '../metastore/source.ts'
import type { Expression } from '../parser/ast.ts'

/**
 * The key values a pull query looks up, in the order its WHERE names them (`K = v`,
 * `K IN (v1, v2, …)` or an OR of those, as one of the top-level AND terms, on a single-column
 * key), or null when the query is not such a lookup. ksqlDB fetches the keys partition by
 * partition, partitions in the order their first key is named, keys in this order within one;
 * scans follow the state store's order instead.
 */
export function lookupKeyOrder(where: Expression | null, keys: readonly Column[]): readonly unknown[] | null {
  const key = keys.length === 1 ? keys[0] : undefined
  if (where === null || key === undefined) return null
  const isKey = (e: Expression): boolean => e.kind === 'column' && e.name === key.name
  // `K = v`, `K IN (…)`, or an OR of those: the keys in the order they are written.
  const lookedUp = (term: Expression): unknown[] | null => {
    if (term.kind === 'in' && !term.negated && isKey(term.operand) && term.list.every(isLiteral)) {
      return term.list.map(literalValue)
    }
    if (term.kind === 'comparison' && term.op === '=') {
      if (isKey(term.left) && isLiteral(term.right)) return [literalValue(term.right)]
      if (isKey(term.right) && isLiteral(term.left)) return [literalValue(term.left)]
    }
    if (term.kind === 'logical' && term.op === 'OR') {
      const left = lookedUp(term.left)
      const right = lookedUp(term.right)
      return left === null || right === null ? null : [...left, ...right]
    }
    return null
  }
  for (const term of conjuncts(where)) {
    const keysFound = lookedUp(term)
    if (keysFound !== null) return keysFound
  }
  return null
}

/** Position of a row's key value in the lookup order (numbers by value), or the list's length. */
export function lookupPosition(order: readonly unknown[], keyValue: unknown): number {
  const value = typeof keyValue === 'bigint' ? Number(keyValue) : keyValue
  const i = order.findIndex((v) => v === value)
  return i === -1 ? order.length : i
}

function conjuncts(e: Expression): Expression[] {
  return e.kind === 'logical' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e]
}

function isLiteral(e: Expression): e is Expression & { kind: 'literal' } {
  return e.kind === 'literal' && e.type !== 'NULL'
}

function literalValue(e: Expression): unknown {
  if (e.kind !== 'literal') return undefined
  return e.type === 'DECIMAL' || e.type === 'DOUBLE' || e.type === 'BIGINT' || e.type === 'INTEGER'
    ? Number(e.value)
    : e.value
}
