import type { WindowSpec } from '../../expression/nodes.ts'
import type { WindowBounds } from '../../expression/row.ts'

/** Time windows (tumbling = hopping with advance = size) containing `timestamp`, ascending by start. */
export function timeWindowsFor(timestamp: number, window: WindowSpec): WindowBounds[] {
  const size = window.sizeMs
  const advance = window.advanceMs ?? size
  const windows: WindowBounds[] = []
  for (let start = firstWindowStart(timestamp, window); start <= timestamp; start += advance) {
    if (start + size > timestamp) windows.push({ start, end: start + size })
  }
  return windows
}

/**
 * Where the scan for `timestamp`'s time windows starts: the windows are those from here in steps of
 * the advance up to `timestamp` whose end (start + size) is after `timestamp`. For callers that
 * need no object per window.
 */
export function firstWindowStart(timestamp: number, window: WindowSpec): number {
  const size = window.sizeMs
  const advance = window.advanceMs ?? size
  const start = Math.max(0, Math.floor((timestamp - size) / advance + 1) * advance)
  return start > timestamp ? Math.floor(timestamp / advance) * advance : start
}
