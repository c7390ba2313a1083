import type { WindowSpec } from '../expression/nodes.ts'
import type { ExecutionStep } from './execution-plan.ts'

/** ksqlDB's grace period when the WINDOW clause leaves it out. */
export const DEFAULT_GRACE_MS = 24 * 3_600_000

/** EMIT FINAL without GRACE PERIOD closes windows at their end; otherwise ksqlDB's 24 h default applies. */
export function effectiveGraceMs(window: WindowSpec, emitFinal: boolean): number {
  return window.graceMs ?? (emitFinal ? 0 : DEFAULT_GRACE_MS)
}

/**
 * How long a window store keeps a window. ksqlDB passes the RETENTION clause to Kafka Streams'
 * Materialized.withRetention and nothing otherwise, so the store falls back to Kafka Streams'
 * default: window size (session: inactivity gap) plus grace. With the 24 h default grace that is the
 * "retention default 1 day" of the spec (A6), give or take one window.
 */
export function retentionMsOf(window: WindowSpec, graceMs: number): number {
  return window.retentionMs ?? window.sizeMs + graceMs
}

/**
 * Kafka Streams refuses to build a window store that would drop windows still open for late records
 * (its message, raised when the query starts; ksqlDB reports it for the statement).
 */
export function retentionError(window: WindowSpec, graceMs: number): string | null {
  const retention = window.retentionMs
  if (retention === null || retention >= window.sizeMs + graceMs) return null
  return window.type === 'SESSION'
    ? `The retention period of the session store Aggregate-Aggregate-Materialize must be no smaller than the session inactivity gap plus the grace period. Got gap=[${window.sizeMs}], grace=[${graceMs}], retention=[${retention}]`
    : `The retention period of the window store Aggregate-Aggregate-Materialize must be no smaller than its window size plus the grace period. Got size=[${window.sizeMs}], grace=[${graceMs}], retention=[${retention}]`
}

/**
 * Whether a window has left its store. Kafka Streams' window stores index time windows by start and
 * session stores by end, measure stream time as the latest such time put (observedStreamTime), and
 * keep what is newer than observedStreamTime - retention (segments aside: fetches apply the same
 * bound). `storeTime` is the window's start (time windows) or end (sessions).
 */
export function isExpired(storeTime: number, observedStreamTime: number, retentionMs: number): boolean {
  return storeTime <= observedStreamTime - retentionMs
}

/** A windowed table's store retention, read from the aggregation that writes it. */
export interface StoreRetention {
  readonly retentionMs: number
  /** Session stores index (and expire) windows by end, time-window stores by start. */
  readonly byEnd: boolean
}

export function storeRetentionOf(steps: readonly ExecutionStep[]): StoreRetention | null {
  for (const step of steps) {
    if (step.kind !== 'aggregateV1' || step.window === null) continue
    const graceMs = effectiveGraceMs(step.window, step.emitFinal)
    return { retentionMs: retentionMsOf(step.window, graceMs), byEnd: step.window.type === 'SESSION' }
  }
  return null
}
