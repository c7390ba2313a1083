import type { WindowBounds } from '../../expression/row.ts'
import { ExpiryQueue } from '../state/expiry-queue.ts'
import { isExpired } from '../../planner/window-retention.ts'

/** Ring slots: a power of two, more than the windows a record falls in for common hops (size/advance ≤ 16). */
export const RECENT_WINDOWS = 16

/**
 * A group's time windows: all by start, and the latest ones by start / advance in a small ring,
 * which is where a record's windows are nearly always found (a Map lookup by a number costs more
 * than the rest of a window's update, and the map holds every window kept).
 */
export interface WindowGroup<S> {
  readonly keyText: string
  readonly byStart: Map<number, S>
  readonly recent: (S | undefined)[]
}

/**
 * The time-window (TUMBLING, HOPPING) states of one aggregation, dropped once they fall out of the
 * store's retention as in Kafka Streams' window store: stream time is the latest window start put,
 * and a window whose start is retention or more behind it is gone. Windows are queued by start as
 * they are created, so eviction costs one comparison per record plus little per evicted window.
 */
export class TimeWindowStore<S extends { readonly window: WindowBounds | null }> {
  private readonly groups = new Map<string, WindowGroup<S>>()
  private readonly created = new ExpiryQueue<WindowGroup<S>>()
  private observedStreamTime = Number.NEGATIVE_INFINITY
  private windows = 0
  private readonly retentionMs: number

  constructor(retentionMs: number) {
    this.retentionMs = retentionMs
  }

  /** Windows held, over all groups. */
  get windowCount(): number {
    return this.windows
  }

  get groupCount(): number {
    return this.groups.size
  }

  /** The group's windows, created empty when the group has none left. */
  group(keyText: string): WindowGroup<S> {
    let group = this.groups.get(keyText)
    if (group === undefined) {
      group = { keyText, byStart: new Map(), recent: new Array<S | undefined>(RECENT_WINDOWS) }
      this.groups.set(keyText, group)
    }
    return group
  }

  /** Adds a new window's state (the caller found none for its start). */
  add(group: WindowGroup<S>, start: number, state: S): void {
    group.byStart.set(start, state)
    this.created.push(start, group)
    this.windows++
    if (start > this.observedStreamTime) this.observedStreamTime = start
  }

  /** Whether a window with this start has left (or would leave) the store. */
  isExpired(start: number): boolean {
    return isExpired(start, this.observedStreamTime, this.retentionMs)
  }

  /** Drops the windows that fell out of retention; cheap when there are none. */
  evictExpired(): void {
    const limit = this.observedStreamTime - this.retentionMs
    if (this.created.headTime > limit) return
    this.created.popUntil(limit, (group, start) => this.evict(group, start))
  }

  private evict(group: WindowGroup<S>, start: number): void {
    const state = group.byStart.get(start)
    if (state === undefined) return
    group.byStart.delete(start)
    this.windows--
    if (group.byStart.size === 0) {
      // The group object goes with its last window; a later record starts a fresh one.
      if (this.groups.get(group.keyText) === group) this.groups.delete(group.keyText)
      return
    }
    // The ring must not hand the evicted state back (nor keep it alive).
    const recent = group.recent
    for (let i = 0; i < recent.length; i++) if (recent[i] === state) recent[i] = undefined
  }
}
