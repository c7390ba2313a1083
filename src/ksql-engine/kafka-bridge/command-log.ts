import { splitStatements } from '../parser/split-statements.ts'
import type { AcceptedRequest } from '../server/ksql-backend.ts'

/** The command topic's name, as ksqlDB names it for a service id. */
export function commandTopicName(serviceId: string): string {
  return `_confluent-ksql-${serviceId}_command_topic`
}

export function encodeCommand(request: AcceptedRequest): Buffer {
  return Buffer.from(JSON.stringify({ version: 1, ...request }), 'utf8')
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
export function replayableSql(sql: string): string {
  return splitStatements(sql)
    .map((slice) => slice.text)
    .filter((text) => !/^\s*INSERT\s+INTO\s[\s\S]*?\bVALUES\s*\(/i.test(text) || /\bSELECT\b/i.test(text))
    .join('\n')
}
