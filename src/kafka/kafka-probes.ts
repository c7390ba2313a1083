import { Kafka, logLevel } from 'kafkajs'
import { errorMessage } from '../shared/errors.ts'
import { PROBE_TIMEOUT_MS, type Probe } from '../shared/probe.ts'

export interface KafkaProbeOptions {
  readonly brokers: readonly string[]
  readonly timeoutMs?: number
}

/** A metadata request through kafkajs' admin client: the broker is up and the controller elected. */
export function kafkaProbe(options: KafkaProbeOptions): Probe {
  const timeout = options.timeoutMs ?? PROBE_TIMEOUT_MS
  return async () => {
    const kafka = new Kafka({
      clientId: 'dip-health',
      brokers: [...options.brokers],
      connectionTimeout: timeout,
      requestTimeout: timeout,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    })
    const admin = kafka.admin({ retry: { retries: 0 } })
    try {
      await admin.connect()
      const cluster = await admin.describeCluster()
      if (cluster.controller == null || cluster.controller < 0)
        return { healthy: false, version: null, detail: 'no active controller yet' }
      const topics = await admin.listTopics()
      return {
        healthy: true,
        version: null,
        topicCount: topics.filter((name) => !name.startsWith('__') && !name.startsWith('_confluent')).length,
      }
    } catch (error) {
      return { healthy: false, version: null, detail: errorMessage(error) }
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }
}

/**
 * The group and transaction coordinators answer. On a fresh broker the first FindCoordinator
 * creates `__consumer_offsets` / `__transaction_state` and they load for a moment, during which
 * clients get NOT_COORDINATOR errors that kafkajs does not always retry; `dip up` waits for this
 * so the first consumer group or transaction of a user (or a test) never sees that window.
 */
export function kafkaCoordinatorsProbe(options: KafkaProbeOptions): Probe {
  const timeout = options.timeoutMs ?? PROBE_TIMEOUT_MS
  return async () => {
    const kafka = new Kafka({
      clientId: 'dip-health',
      brokers: [...options.brokers],
      connectionTimeout: timeout,
      requestTimeout: timeout,
      retry: { retries: 2, initialRetryTime: 200 },
      logLevel: logLevel.NOTHING,
    })
    const admin = kafka.admin()
    const producer = kafka.producer({
      transactionalId: 'dip-warm-up',
      idempotent: true,
      maxInFlightRequests: 1,
    })
    try {
      await admin.connect()
      // kafkajs finds the group coordinator first and throws while it is not available.
      await admin.describeGroups(['dip-warm-up'])
      // The first transaction runs InitProducerId through the transaction coordinator; an empty
      // transaction aborts locally without sending EndTxn.
      await producer.connect()
      await (await producer.transaction()).abort()
      return { healthy: true, version: null }
    } catch (error) {
      return { healthy: false, version: null, detail: `coordinators: ${errorMessage(error)}` }
    } finally {
      await producer.disconnect().catch(() => undefined)
      await admin.disconnect().catch(() => undefined)
    }
  }
}
