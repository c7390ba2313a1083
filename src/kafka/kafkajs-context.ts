/** What the kafkajs adapter's parts share: the client, and kafkajs errors turned into DipErrors. */
import type { Kafka as KafkaClient } from 'kafkajs'
import { DipError, errorMessage } from '../shared/errors.ts'

export interface ClientContext {
  readonly kafka: KafkaClient
  readonly brokers: string
}

/**
 * A connection error names the brokers and the usual fix, a missing topic names the topic;
 * other errors keep kafkajs's message. kafkajs wraps the real error after its retries, so the
 * decision is made on the innermost one.
 */
export function kafkaError(
  context: ClientContext,
  action: string,
  error: unknown,
  topics: readonly string[] = [],
): DipError {
  if (error instanceof DipError) return error
  const root = rootCause(error)
  const name = root instanceof Error ? root.name : ''
  if ((root as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION')
    return new DipError('DIP_KAFKA', `topic not found: ${topics.length > 0 ? topics.join(', ') : action}`, {
      hint: 'create the topic first (`dip produce` creates transaction_log; ksqlDB creates its sinks) or check the name',
      cause: error,
    })
  const unreachable =
    name === 'KafkaJSConnectionError' ||
    name === 'KafkaJSBrokerNotFound' ||
    /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection timeout/i.test(errorMessage(root))
  if (unreachable)
    return new DipError('DIP_KAFKA', `cannot reach Kafka at ${context.brokers} (${action})`, {
      hint: 'start the stack with `dip up`, or point kafka.brokers (DIP_KAFKA_BROKERS) at a running broker',
      cause: error,
    })
  return new DipError('DIP_KAFKA', `Kafka ${action} failed: ${errorMessage(root)}`, { cause: error })
}

export function rootCause(error: unknown): unknown {
  let current = error
  for (let depth = 0; depth < 10; depth++) {
    const next = (current as { cause?: unknown } | null)?.cause
    if (next === undefined || next === null || next === current) return current
    current = next
  }
  return current
}

/** Connects once, on first use; later calls share the same connection. */
export function lazyConnect<T extends { connect(): Promise<void> }>(client: T): () => Promise<T> {
  let connected: Promise<T> | undefined
  return () => {
    connected ??= client.connect().then(
      () => client,
      (error: unknown) => {
        connected = undefined
        throw error
      },
    )
    return connected
  }
}
