import type { PreparedRequest } from '../engine-api.ts'
import type { AcceptedRequest } from '../server/ksql-backend.ts'

/** The command topic's name, as ksqlDB names it for a service id. */
export function commandTopicName(serviceId: string): string {
  return `_confluent-ksql-${serviceId}_command_topic`
}

/**
 * Per query a command created with auto.offset.reset=latest: the input positions
 * (`topic:partition` → next offset) the server had consumed when it started. A rebuild keeps the
 * query deaf to the records below them, as it was when it ran.
 */
export type LatestStarts = ReadonlyMap<string, ReadonlyMap<string, bigint>>

export function encodeCommand(request: AcceptedRequest, latestStarts: LatestStarts = new Map()): Buffer {
  const starts = Object.fromEntries(
    [...latestStarts].map(([queryId, at]) => [
      queryId,
      Object.fromEntries([...at].map(([key, offset]) => [key, offset.toString()])),
    ]),
  )
  const command = { version: 1, ...request, ...(latestStarts.size > 0 ? { latestStarts: starts } : {}) }
  return Buffer.from(JSON.stringify(command), 'utf8')
}

export function decodeLatestStarts(value: Buffer | null): LatestStarts {
  const starts = new Map<string, Map<string, bigint>>()
  if (value === null) return starts
  try {
    const parsed = JSON.parse(value.toString('utf8')) as {
      latestStarts?: Record<string, Record<string, string>>
    }
    for (const [queryId, at] of Object.entries(parsed.latestStarts ?? {}))
      starts.set(queryId, new Map(Object.entries(at).map(([key, offset]) => [key, BigInt(offset)])))
  } catch {
    // An unreadable command is skipped by decodeCommand already.
  }
  return starts
}

export function decodeCommand(value: Buffer | null): AcceptedRequest | null {
  if (value === null) return null
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<AcceptedRequest>
    if (typeof parsed.sql !== 'string') return null
    return { sql: parsed.sql, properties: parsed.properties ?? {}, variables: parsed.variables ?? {} }
  } catch {
    return null
  }
}

/**
 * What a replay re-executes: INSERT … VALUES rows already sit in their Kafka topic and come back
 * when the sources are re-read, so running them again would count them twice.
 */
export function replayable(request: PreparedRequest): PreparedRequest {
  const statements = request.statements.filter(
    (s) => s.kind !== 'parsed' || s.parsed.statement.kind !== 'insertValues',
  )
  return { ...request, statements }
}
