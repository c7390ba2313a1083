import type { Row } from './row.ts'
import type { FunctionRegistry } from '../functions/function-types.ts'
import type { Column, LogicalSchema } from '../metastore/source.ts'
import type { Expression } from './nodes.ts'
import { BIGINT, INTEGER } from '../types/sql-type.ts'
import type { CompileScope, Compiled } from './compile-expression.ts'
import { StatementError } from './statement-error.ts'

export const SYSTEM_COLUMNS = ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'] as const

/** Where a column's value sits in a Row. */
export interface ColumnSlot {
  readonly name: string
  readonly column: Column
  readonly namespace: 'key' | 'value'
  readonly index: number
}

export interface ScopeOptions {
  readonly functions: FunctionRegistry
  /** Names accepted as qualifiers (`S.COL`): the source name and its alias. */
  readonly qualifiers: readonly string[]
  /** Whether WINDOWSTART/WINDOWEND can be referenced (windowed source or windowed aggregation). */
  readonly windowBounds: boolean
  readonly substitute?: (expr: Expression) => Compiled | undefined
  readonly onAggregate?: (expr: Expression & { kind: 'call' }) => never
  /** Called for each resolved column (to detect columns outside GROUP BY). */
  readonly onColumn?: (name: string) => void
  readonly clause?: string
  /** See CompileScope.onCallError. */
  readonly onCallError?: (message: string, row: Row) => void
}

export function slotsOf(schema: LogicalSchema): ColumnSlot[] {
  return [
    ...schema.key.map((column, index) => ({ name: column.name, column, namespace: 'key' as const, index })),
    ...schema.value.map((column, index) => ({
      name: column.name,
      column,
      namespace: 'value' as const,
      index,
    })),
  ]
}

/** A compile scope over explicit column slots (rows laid out as the slots say). */
export function scopeOverSlots(slots: readonly ColumnSlot[], options: ScopeOptions): CompileScope {
  const byName = new Map<string, ColumnSlot>()
  for (const slot of slots) if (!byName.has(slot.name)) byName.set(slot.name, slot)
  const scope: CompileScope = {
    functions: options.functions,
    resolveColumn(qualifier, name) {
      if (qualifier !== null && !options.qualifiers.includes(qualifier)) {
        // `a.b` where a is a struct column is not valid ksqlDB (use ->); report unknown source.
        throw new StatementError(`'${qualifier}' is not a valid stream/table name or alias.`)
      }
      const slot = byName.get(name)
      if (slot !== undefined) {
        options.onColumn?.(name)
        const i = slot.index
        return slot.namespace === 'key'
          ? { type: slot.column.type, evaluate: (row) => row.key[i] ?? null }
          : {
              type: slot.column.type,
              evaluate: (row) => (row.value === null ? null : (row.value[i] ?? null)),
            }
      }
      switch (name) {
        case 'ROWTIME':
          return { type: BIGINT, evaluate: (row) => row.timestamp }
        case 'ROWPARTITION':
          return { type: INTEGER, evaluate: (row) => row.partition }
        case 'ROWOFFSET':
          return { type: BIGINT, evaluate: (row) => row.offset }
        case 'WINDOWSTART':
        case 'WINDOWEND':
          if (options.windowBounds) {
            const start = name === 'WINDOWSTART'
            return {
              type: BIGINT,
              evaluate: (row) => (row.window === null ? null : start ? row.window.start : row.window.end),
            }
          }
          if (options.clause === 'WHERE')
            throw new StatementError(`Error in WHERE expression: Unknown column ${name}.`)
          if (options.clause === undefined || options.clause === 'SELECT' || options.clause === 'HAVING') {
            throw new StatementError(
              `Window bounds column ${name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`,
            )
          }
          break
        default:
          break
      }
      const shown = qualifier === null ? name : `${qualifier}.${name}`
      throw new StatementError(`${options.clause ?? 'SELECT'} column '${shown}' cannot be resolved.`)
    },
  }
  return {
    ...scope,
    ...(options.substitute === undefined ? {} : { substitute: options.substitute }),
    ...(options.onAggregate === undefined ? {} : { onAggregate: options.onAggregate }),
    ...(options.onCallError === undefined ? {} : { onCallError: options.onCallError }),
  }
}
