import { metadataStatements } from '../ksql-migrations/migration-metadata.ts'

/** The service id of the ksqlDB server `dip up` starts (and ksqlDB's default). */
export const DEFAULT_SERVICE_ID = 'default_'

const CREATE =
  /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(?:STREAM|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?(`(?:[^`]|``)+`|[A-Za-z_]\w*)([^;]*)/gi
const KAFKA_TOPIC = /\bKAFKA_TOPIC\s*=\s*'((?:[^']|'')+)'/i

/**
 * The Kafka topics a set of ksqlDB statements creates or reads: a statement's KAFKA_TOPIC, else the
 * source's name (upper-cased unless back-quoted), which is where ksqlDB puts a CSAS/CTAS's output.
 * Plus the topics of the ksql-migrations bookkeeping stream and table. `dip lab --reset` uses it
 * to find the lab's topics even when the ksqlDB server no longer knows the sources.
 */
export function topicsOfStatements(sql: readonly string[], serviceId = DEFAULT_SERVICE_ID): string[] {
  const topics = new Set<string>()
  for (const text of [...sql, ...metadataStatements(serviceId)])
    for (const match of text.matchAll(CREATE)) {
      const name = match[1] ?? ''
      const topic = KAFKA_TOPIC.exec(match[2] ?? '')?.[1]
      topics.add(
        topic !== undefined
          ? topic.replaceAll("''", "'")
          : name.startsWith('`')
            ? name.slice(1, -1).replaceAll('``', '`')
            : name.toUpperCase(),
      )
    }
  return [...topics].sort()
}
