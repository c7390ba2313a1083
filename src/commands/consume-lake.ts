import { createContext, type GlobalOptions } from '../app/context.ts'
import { reportBrokerOutages } from '../kafka/broker-watch.ts'
import { formatBytes } from '../shared/format-bytes.ts'
import { consumeLake } from '../consume/lake-job.ts'
import { lakeConfigOverrides, planConsumeLake, type ConsumeLakeFlags } from '../consume/lake-plan.ts'
import type { LakeBatchSummary, LakeSummary } from '../consume/lake-job-types.ts'
import { printStages } from '../consume/print-stages.ts'
import { onStopSignals } from '../app/stop-signals.ts'

export type { ConsumeLakeFlags } from '../consume/lake-plan.ts'

/** `dip consume lake`: the lake job for the flags' plan, then its per-topic table. */
export async function runConsumeLake(
  global: GlobalOptions,
  flags: ConsumeLakeFlags,
): Promise<LakeSummary | LakeBatchSummary> {
  const { loaded, reporter } = createContext(global, lakeConfigOverrides(flags))
  const { config } = loaded
  const plan = planConsumeLake(flags, loaded)
  const { createKafka, createKsql } = await import('../app/create-deps.ts')
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  // A streaming sink runs for hours: a broker restart is announced, and ridden out (see sinkFeeds).
  const outages =
    plan.mode === 'streaming'
      ? reportBrokerOutages(config.kafka.brokers, (message) => reporter.warn(message))
      : undefined
  try {
    const summary = await consumeLake(plan, {
      kafka: await createKafka(config),
      ksql: await createKsql(config),
      configFeeds: config.feeds,
      reporter,
      signal: controller.signal,
    })
    // dip's own loop has no Beam report; --json still names the runner a batch ran on.
    reporter.result(plan.mode === 'batch' && !('runner' in summary) ? { ...summary, runner: 'dip' } : summary)
    if (!reporter.json && !summary.upToDate)
      reporter.table(
        summary.topics.map((t) => [
          t.topic,
          t.area,
          t.records,
          t.deleted,
          t.errors,
          t.files,
          formatBytes(t.bytes),
        ]),
        { header: ['topic', 'area', 'records', 'deleted', 'errors', 'files', 'bytes'] },
      )
    if (!reporter.json && !summary.upToDate && 'stages' in summary) printStages(reporter, summary)
    return summary
  } finally {
    outages?.stop()
    release()
  }
}
