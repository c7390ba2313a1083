import type { Reporter } from '../app/reporter.ts'
import { formatBytes } from '../shared/format-bytes.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { ProducePlan } from './produce-plan.ts'
import { runSendLoop } from './send-loop.ts'
import { generateInWorker } from './generate-in-worker.ts'
import { isDipError } from '../shared/errors.ts'

export interface ProduceSummary {
  readonly topic: string
  readonly topicCreated: boolean
  /** The generator seed used: --seed, or the continuation of the topic's records. */
  readonly seed: number
  readonly records: number
  readonly bytes: number
  readonly seconds: number
  readonly recordsPerSecond: number
  readonly interrupted: boolean
}

/** Lab transactions → Kafka (idempotent producer, acks=all, batched): `dip produce` and `dip lab`. */
export async function produce(
  plan: ProducePlan,
  deps: { readonly kafka: KafkaPorts; readonly reporter: Reporter; readonly signal: AbortSignal },
): Promise<ProduceSummary> {
  const { kafka, reporter, signal } = deps
  const admin = kafka.admin()
  let created: string[]
  try {
    created = await admin.createTopics([
      {
        name: plan.topic,
        partitions: plan.partitions,
        // Event times lie in the lab's fixed past; time-based retention would delete them at once.
        ...(plan.eventTime ? { config: { 'retention.ms': '-1' } } : {}),
      },
    ])
    if (created.length === 0) {
      const [existing] = await admin.describeTopics([plan.topic])
      if (existing !== undefined && existing.partitions !== plan.partitions && plan.partitions !== 1)
        reporter.warn(
          `topic ${plan.topic} already exists with ${existing.partitions} partition(s); --partitions ${plan.partitions} is ignored`,
        )
    }
  } finally {
    await admin.close()
  }

  const sink = kafka.sink({ idempotent: true })
  const total = plan.count === null ? null : `${plan.count.toLocaleString('en-US')}`
  const spinner = reporter.spinner(`producing to ${plan.topic}`)
  let lastUpdate = 0
  try {
    const summary = await runSendLoop({
      chunks: generateInWorker(plan),
      sink,
      ratePerSecond: plan.ratePerSecond,
      deadlineMs: plan.durationMs === null ? null : Date.now() + plan.durationMs,
      signal,
      batchSize: 2000,
      onProgress: (progress) => {
        if (progress.elapsedMs - lastUpdate < 200) return
        lastUpdate = progress.elapsedMs
        const rate = Math.round(progress.records / Math.max(progress.elapsedMs / 1000, 0.001))
        spinner.update(
          `producing to ${plan.topic}: ${progress.records.toLocaleString('en-US')}${total === null ? '' : ` / ${total} transactions`} (${rate.toLocaleString('en-US')} records/s)`,
        )
      },
    })
    const seconds = summary.elapsedMs / 1000
    const result: ProduceSummary = {
      topic: plan.topic,
      topicCreated: created.length > 0,
      seed: plan.seed,
      records: summary.records,
      bytes: summary.bytes,
      seconds: Math.round(seconds * 1000) / 1000,
      recordsPerSecond: Math.round(summary.records / Math.max(seconds, 0.001)),
      interrupted: summary.interrupted && signal.aborted,
    }
    spinner.succeed(
      `${result.interrupted ? 'interrupted: ' : ''}${result.records.toLocaleString('en-US')} records (${formatBytes(result.bytes)}) to ${plan.topic} (seed ${plan.seed}) in ${result.seconds.toFixed(1)} s, ${result.recordsPerSecond.toLocaleString('en-US')} records/s`,
    )
    return result
  } catch (error) {
    const acknowledged = isDipError(error) ? error.details?.['acknowledged'] : undefined
    spinner.fail(
      `producing to ${plan.topic} failed` +
        (typeof acknowledged === 'number'
          ? ` after ${acknowledged.toLocaleString('en-US')} acknowledged record(s)`
          : ''),
    )
    throw error
  } finally {
    await sink.close()
  }
}
