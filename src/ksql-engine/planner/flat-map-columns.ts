import type { ColumnSlot } from '../expression/schema-scope.ts'

/**
 * The row layout of a flatMap step: the analyzer plans it and the runtime fills it, so both read
 * the layout from here.
 */

/** The column holding the values of the n-th table function call after the flatMap step. */
export const syntheticColumnName = (n: number): string => `KSQL_SYNTH_${n}`

export function isSyntheticColumn(name: string): boolean {
  return /^KSQL_SYNTH_\d+$/.test(name)
}

/** Number of value columns rows carry with these slots (the flatMap appends after them). */
export function valueWidthOf(slots: readonly ColumnSlot[]): number {
  let width = 0
  for (const s of slots) if (s.namespace === 'value') width = Math.max(width, s.index + 1)
  return width
}
