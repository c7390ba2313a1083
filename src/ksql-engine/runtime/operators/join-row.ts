import type { Row, WindowBounds } from '../../expression/row.ts'
import type { WindowInfo } from '../../metastore/source.ts'

/**
 * One side's part of a joined row, laid out as the join's schema names it: value columns, ROWTIME,
 * ROWPARTITION, ROWOFFSET, the window bounds of a windowed source, then key columns. No row: NULLs.
 */
export function sideColumns(row: Row | null | undefined, width: number): unknown[] {
  if (row === null || row === undefined) return new Array<unknown>(width).fill(null)
  return [
    ...(row.value ?? []),
    row.timestamp,
    row.partition,
    row.offset,
    ...(row.window === null ? [] : [row.window.start, row.window.end]),
    ...row.key,
  ]
}

/** How many columns a source contributes to a joined row (see `sideColumns`). */
export function sideWidth(source: {
  readonly schema: { readonly key: readonly unknown[]; readonly value: readonly unknown[] }
  readonly window: WindowInfo | null
}): number {
  return source.schema.value.length + 3 + (source.window === null ? 0 : 2) + source.schema.key.length
}

/**
 * The store key of a windowed source's join key: Kafka compares windowed keys as bytes, which
 * hold the window start (and, for session windows, the end too).
 */
export function windowedKey(key: string, window: WindowBounds | null, windowInfo: WindowInfo | null): string {
  if (window === null) return key
  return windowInfo?.type === 'SESSION' ? `${key}@${window.start}-${window.end}` : `${key}@${window.start}`
}
