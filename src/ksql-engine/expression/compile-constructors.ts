import type { Expression } from './nodes.ts'
import { createCoercer, parseSqlBoolean, resolveCommonType } from '../types/coercion.ts'
import { widerNumeric } from '../types/implicit-cast.ts'
import { STRING, formatSqlType, isNumeric, type SqlType } from '../types/sql-type.ts'
import { castValue, valueToString } from './cast-value.ts'
import { StatementError } from './statement-error.ts'
import type { CompileChild, Compiled } from './compile-expression.ts'

export function compileArrayCtor(expr: Expression & { kind: 'arrayCtor' }, c: CompileChild): Compiled {
  if (expr.items.length === 0)
    throw new StatementError(
      'Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).',
    )
  const { type: elementType, items } = commonElements(expr.items.map(c))
  if (elementType === null) {
    throw new StatementError(
      'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
    )
  }
  return {
    type: { kind: 'ARRAY', element: elementType },
    evaluate: (row) => items.map((i) => coerceTo(i.evaluate(row), i.type, elementType)),
  }
}

export function compileMapCtor(expr: Expression & { kind: 'mapCtor' }, c: CompileChild): Compiled {
  if (expr.entries.length === 0) {
    throw new StatementError(
      'Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).',
    )
  }
  const { type: keyType, items: keys } = unifyLiterals(expr.entries.map((e) => c(e.key)))
  const { type: valueType, items: values } = unifyLiterals(
    expr.entries.map((e) => c(e.value)),
    '.',
  )
  if (keyType === null) throw new StatementError('Cannot construct a map with all NULL keys')
  if (valueType === null) throw new StatementError('Cannot construct a map with all NULL values')
  return {
    type: { kind: 'MAP', key: keyType, value: valueType },
    evaluate: (row) => {
      // A NULL key is kept: ksqlDB's maps hold it, and JSON writes it as the key "null".
      const m = new Map<string | null, unknown>()
      keys.forEach((k, i) => {
        const key = k.evaluate(row)
        m.set(
          key === null ? null : valueToString(key, k.type),
          coerceTo((values[i] as Compiled).evaluate(row), (values[i] as Compiled).type, valueType),
        )
      })
      return m
    },
  }
}

export function compileStructCtor(expr: Expression & { kind: 'structCtor' }, c: CompileChild): Compiled {
  const duplicate = expr.fields.find((f, i) => expr.fields.findIndex((g) => g.name === f.name) !== i)
  if (duplicate !== undefined)
    throw new StatementError(`Duplicate field names found in STRUCT: ${duplicate.name}`)
  const fields = expr.fields.map((f) => ({ name: f.name, compiled: c(f.value) }))
  return {
    type: {
      kind: 'STRUCT',
      fields: fields.map((f) => ({ name: f.name, type: f.compiled.type ?? STRING })),
    },
    evaluate: (row) => {
      const out: Record<string, unknown> = {}
      for (const f of fields) out[f.name] = f.compiled.evaluate(row)
      return out
    },
  }
}

/**
 * ARRAY[...] elements take ksqlDB's common type (CoercionUtil): numbers widen, text literals
 * convert, STRUCTs merge their fields (missing ones NULL). Elements of types it cannot reconcile
 * keep the older element-wise rules (their errors).
 */
function commonElements(items: readonly Compiled[]): { type: SqlType | null; items: Compiled[] } {
  const common = resolveCommonType(items)
  if (!common.ok && common.reason === 'literal') throw new StatementError(common.message)
  if (!common.ok || common.type === null) return unifyLiterals(items)
  const type = common.type
  return {
    type,
    items: items.map((item) => {
      const convert = createCoercer(item, type)
      return { type, evaluate: (row) => convert(item.evaluate(row)) }
    }),
  }
}

export function commonType(types: readonly (SqlType | null)[]): SqlType | null {
  let result: SqlType | null = null
  for (const t of types) {
    if (t === null) continue
    if (result === null) result = t
    else if (isNumeric(result) && isNumeric(t)) result = widerNumeric(result, t)
  }
  return result
}

/**
 * Constructor elements share one type: text literals are converted to the type the other elements
 * agree on (`ARRAY[1, '2']` is ARRAY<INTEGER>); null when every element is NULL.
 */
export function unifyLiterals(
  items: readonly Compiled[],
  suffix = '',
): { type: SqlType | null; items: Compiled[] } {
  const isText = (i: Compiled): boolean => i.literal !== undefined && i.type?.kind === 'STRING'
  const type =
    commonType(items.filter((i) => !isText(i)).map((i) => i.type)) ?? commonType(items.map((i) => i.type))
  if (type === null || type.kind === 'STRING') return { type, items: [...items] }
  return {
    type,
    items: items.map((i) => {
      if (!isText(i)) return i
      const text = String(i.literal?.value)
      let value: unknown
      if (isNumeric(type) && text.trim() !== '' && !Number.isNaN(Number(text)))
        value = castValue(text, STRING, type)
      else if (type.kind === 'BOOLEAN' && parseSqlBoolean(text) !== undefined) value = parseSqlBoolean(text)
      else
        throw new StatementError(`invalid input syntax for type ${formatSqlType(type)}: "${text}"${suffix}`)
      return { type, evaluate: () => value, literal: { value } }
    }),
  }
}

export function coerceTo(value: unknown, from: SqlType | null, to: SqlType): unknown {
  if (value === null || from === null || from.kind === to.kind) return value
  if (isNumeric(from) && isNumeric(to)) return castValue(value, from, to)
  return value
}
