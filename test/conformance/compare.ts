/**
 * Expected-vs-actual record comparison as QTT does it: exact ordered sequence per topic; key, value,
 * and (when the expectation gives them) timestamp and window. Numbers compare by value, as JSON
 * numbers do (1 equals 1.0, a DECIMAL 1.10 equals 1.1); objects as upstream's ExpectedRecordComparator.
 */
import type { QttRecord } from './qtt-case.ts'
import type { DecodedRecord } from './record-codec.ts'

export function valuesEqual(expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined
  if (actual === null || actual === undefined) return false
  if (typeof expected === 'number' || typeof actual === 'number') return numbersEqual(expected, actual)
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => valuesEqual(e, actual[i]))
    )
  }
  if (typeof expected === 'object') {
    // As upstream's ExpectedRecordComparator: same field count, and each expected field equals the
    // actual field of that name (or its upper-case form), a missing one reading as null.
    if (typeof actual !== 'object' || Array.isArray(actual)) return false
    const e = expected as Record<string, unknown>
    const a = actual as Record<string, unknown>
    if (Object.keys(e).length !== Object.keys(a).length) return false
    return Object.entries(e).every(([k, v]) => valuesEqual(v, k in a ? a[k] : a[k.toUpperCase()]))
  }
  return expected === actual
}

function numbersEqual(expected: unknown, actual: unknown): boolean {
  if (typeof expected !== 'number' || typeof actual !== 'number') return false
  if (Number.isNaN(expected)) return Number.isNaN(actual)
  return expected === actual
}

export function recordMismatch(expected: QttRecord, actual: DecodedRecord): string | null {
  const problems: string[] = []
  if (!valuesEqual(expected.key ?? null, actual.key)) problems.push('key')
  if (!valuesEqual(expected.value, actual.value)) problems.push('value')
  if (expected.timestamp !== undefined && expected.timestamp !== actual.timestamp) problems.push('timestamp')
  if (expected.window !== undefined) {
    const w = actual.window
    if (w === null || w.start !== expected.window.start || w.end !== expected.window.end)
      problems.push('window')
  }
  return problems.length === 0 ? null : problems.join('+')
}

export interface TopicMismatch {
  readonly topic: string
  /** What differs first: `count`, `key`, `value+timestamp`, ... */
  readonly what: string
  readonly detail: string
}

/** First difference between the expected and actual records of one topic, or null when they match. */
export function compareTopic(
  topic: string,
  expected: readonly QttRecord[],
  actual: readonly DecodedRecord[],
): TopicMismatch | null {
  const n = Math.min(expected.length, actual.length)
  for (let i = 0; i < n; i++) {
    const what = recordMismatch(expected[i]!, actual[i]!)
    if (what !== null) {
      return {
        topic,
        what,
        detail: `record ${i}: expected ${show(expected[i]!)} got ${show(actual[i]!)}`,
      }
    }
  }
  if (expected.length !== actual.length) {
    const extra =
      actual.length > expected.length
        ? ` first extra ${show(actual[n]!)}`
        : ` first missing ${show(expected[n]!)}`
    return {
      topic,
      what: actual.length > expected.length ? 'extra records' : 'missing records',
      detail: `expected ${expected.length} records, got ${actual.length};${extra}`,
    }
  }
  return null
}

export function show(record: QttRecord | DecodedRecord): string {
  const window = record.window ? ` window=${record.window.start}..${record.window.end}` : ''
  const timestamp = record.timestamp !== undefined ? ` ts=${record.timestamp}` : ''
  return `{key=${JSON.stringify(record.key ?? null)} value=${JSON.stringify(record.value)}${timestamp}${window}}`
}
