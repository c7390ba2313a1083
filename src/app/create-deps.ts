import type { DipConfig } from '../config/config-schema.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import { installKafkajsSpeedups } from '../kafka/kafkajs-speedups.ts'

/**
 * The composition root: the only place that picks real adapters for the ports. Imports are lazy
 * so a command loads only the libraries it uses.
 */

/**
 * Readies the Kafka client of this process: the kafkajs fixes (kafka/kafkajs-speedups.ts) go into
 * its module cache before anything loads kafkajs, so the process entry calls this first. Throws
 * DIP_KAFKA_CLIENT_PATCH, naming the kafkajs version, when they cannot be installed.
 */
export function installKafkaClient(): void {
  installKafkajsSpeedups()
}

/**
 * Kafka through kafkajs. `role` gives a job a client id of its own (`<kafka.clientId>-<role>`),
 * so the broker's logs and quotas tell the warehouse sink from the lake sink.
 */
export async function createKafka(config: DipConfig, role?: string): Promise<KafkaPorts> {
  const { createKafkaPorts } = await import('../kafka/kafkajs-client.ts')
  const clientId = role === undefined ? config.kafka.clientId : `${config.kafka.clientId}-${role}`
  return createKafkaPorts({ brokers: config.kafka.brokers, clientId })
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
