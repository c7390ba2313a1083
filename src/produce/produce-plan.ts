import { usageError } from '../shared/errors.ts'
import { DEFAULT_SEED } from './continue-seed.ts'
import { DEFAULT_COUNT } from './default-count.ts'

export type KeyField = 'none' | 'transaction_id' | 'user_id'

/** What `dip produce` will do, validated: the CLI flags after parsing, before any I/O. */
export interface ProducePlan {
  readonly topic: string
  /** Distinct transactions to generate; null = until `durationMs` runs out. */
  readonly count: number | null
  readonly durationMs: number | null
  /** Records per second; null = as fast as the broker takes them. */
  readonly ratePerSecond: number | null
  readonly seed: number
  readonly key: KeyField
  /** Partitions of the topic when dip creates it. */
  readonly partitions: number
  readonly lifecycle: boolean
  /** Kafka timestamp = the event's own `timestamp` instead of the send time. */
  readonly eventTime: boolean
}

export interface ProduceFlags {
  readonly count?: number
  readonly duration?: number
  readonly rate?: number
  readonly topic?: string
  readonly seed?: number
  readonly key?: KeyField
  readonly partitions?: number
  readonly lifecycle?: boolean
  readonly eventTime?: boolean
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/

export function planProduce(flags: ProduceFlags): ProducePlan {
  if (flags.count !== undefined && flags.duration !== undefined)
    throw usageError(
      '--count and --duration cannot be combined.',
      `pass one of them: --count ${DEFAULT_COUNT} or --duration 60s`,
    )
  const topic = flags.topic ?? 'transaction_log'
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..')
    throw usageError(
      `--topic "${topic}" is not a valid Kafka topic name.`,
      'use letters, digits, ".", "_" and "-" (at most 249 characters)',
    )
  return {
    topic,
    count: flags.duration === undefined ? (flags.count ?? DEFAULT_COUNT) : null,
    durationMs: flags.duration ?? null,
    ratePerSecond: flags.rate ?? null,
    seed: flags.seed ?? DEFAULT_SEED,
    key: flags.key ?? 'none',
    partitions: flags.partitions ?? 1,
    lifecycle: flags.lifecycle ?? false,
    eventTime: flags.eventTime ?? false,
  }
}
