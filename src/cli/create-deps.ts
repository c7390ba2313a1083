import type { DipConfig } from '../config/config-schema.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'

/**
 * The composition root: the only place that picks real adapters for the ports. Imports are lazy
 * so a command loads only the libraries it uses.
 */
export async function createKafka(config: DipConfig): Promise<KafkaPorts> {
  const { createKafkaPorts } = await import('../kafka/kafkajs-client.ts')
  return createKafkaPorts({ brokers: config.kafka.brokers, clientId: config.kafka.clientId })
}

export async function createKsql(config: DipConfig): Promise<KsqlClient> {
  const { createKsqlClient } = await import('../ksql-client/ksql-client.ts')
  const { ksqlCredentials } = await import('../ksql-client/ksql-auth.ts')
  return createKsqlClient({
    url: config.ksql.url,
    timeoutMs: 10_000,
    credentials: ksqlCredentials(config.ksql),
  })
}
