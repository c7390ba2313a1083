import kafkajs from 'kafkajs'
import type { KafkaLogEntry, KafkaLogLevel, KafkaPorts } from './ports.ts'
import { createTopicAdmin } from './kafkajs-admin.ts'
import { createRecordSink } from './kafkajs-sink.ts'
import { createRecordSource } from './kafkajs-source.ts'

// kafkajs is CommonJS; its named exports are read from the default export.
const { Kafka, logLevel: KafkaJsLogLevel } = kafkajs

export interface KafkaClientOptions {
  readonly brokers: readonly string[]
  readonly clientId: string
  /** Least severe kafkajs message passed to `log`. Default 'warn'. */
  readonly logLevel?: KafkaLogLevel
  /** Where kafkajs messages go. Default: dropped, so commands print only their own output. */
  readonly log?: (entry: KafkaLogEntry) => void
  /** Milliseconds to wait for a broker connection. Default 5000. */
  readonly connectionTimeoutMs?: number
}

const LEVELS: Record<KafkaLogLevel, number> = {
  nothing: KafkaJsLogLevel.NOTHING,
  error: KafkaJsLogLevel.ERROR,
  warn: KafkaJsLogLevel.WARN,
  info: KafkaJsLogLevel.INFO,
  debug: KafkaJsLogLevel.DEBUG,
}

function levelName(level: number): Exclude<KafkaLogLevel, 'nothing'> {
  if (level <= KafkaJsLogLevel.ERROR) return 'error'
  if (level <= KafkaJsLogLevel.WARN) return 'warn'
  if (level <= KafkaJsLogLevel.INFO) return 'info'
  return 'debug'
}

/**
 * The Kafka ports backed by kafkajs (admin, sink and source in kafkajs-admin/-sink/-source.ts). Only
 * src/kafka imports kafkajs (lint); kafkajs-speedups.ts replaces parts of it in every dip command.
 */
export function createKafkaPorts(options: KafkaClientOptions): KafkaPorts {
  const log = options.log ?? (() => undefined)
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 5000,
    retry: { initialRetryTime: 200, retries: 5 },
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: () => (entry) => {
      // Retries are bounded on purpose so a command fails instead of hanging on a dead broker.
      if (entry.log.message.startsWith('Limiting retries for the idempotent producer')) return
      log({ level: levelName(entry.level), source: entry.namespace, message: entry.log.message })
    },
  })
  const context = { kafka, brokers: options.brokers.join(',') }
  return {
    admin: () => createTopicAdmin(context),
    sink: (sinkOptions) => createRecordSink(context, sinkOptions ?? {}),
    source: (sourceOptions) => createRecordSource(context, sourceOptions),
  }
}
