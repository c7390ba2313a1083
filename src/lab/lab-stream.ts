import type { Reporter } from '../app/reporter.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import type { LakeSummary } from '../consume/lake-job-types.ts'
import type { ConsumeWarehouseResult } from '../consume/warehouse-job.ts'

export interface StreamingSinksDeps {
  readonly loaded: LoadedConfig
  readonly kafka: KafkaPorts
  /** The warehouse sink's own Kafka client (its client id names it). */
  readonly warehouseKafka: KafkaPorts
  readonly ksql: KsqlClient
  readonly reporter: Reporter
  /** Ctrl-C / SIGTERM of the whole lab: stops the sinks early, still with their flush. */
  readonly signal: AbortSignal
}

/**
 * `dip lab --stream`: the streaming lake and warehouse sinks side by side for `durationMs`, then
 * both are told to stop, flush what they hold and commit (the same stop as Ctrl-C on
 * `dip consume …`). If one fails, the other is stopped too and the first error is raised.
 */
export async function runStreamingSinks(
  durationMs: number,
  deps: StreamingSinksDeps,
): Promise<{ lake: LakeSummary; warehouse: ConsumeWarehouseResult }> {
  const { loaded, reporter } = deps
  const stop = new AbortController()
  const stopAll = () => stop.abort()
  const timer = setTimeout(stopAll, durationMs)
  deps.signal.addEventListener('abort', stopAll, { once: true })
  // Two sinks' spinners on one terminal would overwrite each other: only the lab's own one is shown.
  const silent = {
    update: () => undefined,
    succeed: () => undefined,
    fail: () => undefined,
    stop: () => undefined,
  }
  const sinks: Reporter = { ...reporter, spinner: () => silent }
  const spinner = reporter.spinner(
    `streaming into the lake and MySQL for ${formatDuration(durationMs)} (Ctrl-C stops early)`,
  )
  try {
    const { batchLakePlan, consumeLake } = await import('../consume/lake-job.ts')
    const { runConsumeWarehouse } = await import('../consume/warehouse-job.ts')
    const stopOnFailure = <T>(run: Promise<T>) =>
      run.catch((error: unknown) => {
        stopAll()
        throw error
      })
    const [lake, warehouse] = await Promise.allSettled([
      stopOnFailure(
        consumeLake(
          { ...batchLakePlan(loaded), mode: 'streaming' },
          {
            kafka: deps.kafka,
            ksql: deps.ksql,
            configFeeds: loaded.config.feeds,
            reporter: sinks,
            signal: stop.signal,
          },
        ),
      ),
      stopOnFailure(
        runConsumeWarehouse(
          { autoCreate: true },
          {
            config: loaded.config,
            kafka: deps.warehouseKafka,
            ksql: deps.ksql,
            reporter: sinks,
            signal: stop.signal,
          },
        ),
      ),
    ])
    if (lake.status === 'rejected') throw lake.reason
    if (warehouse.status === 'rejected') throw warehouse.reason
    if (warehouse.value.failed.length > 0) {
      const { tableFailuresError } = await import('../warehouse/table-failure.ts')
      throw tableFailuresError(warehouse.value.failed)
    }
    spinner.succeed(
      `streamed ${lake.value.records.toLocaleString('en-US')} record(s) into the lake and ${warehouse.value.records.toLocaleString('en-US')} into MySQL`,
    )
    return { lake: lake.value, warehouse: warehouse.value }
  } catch (error) {
    spinner.fail('the streaming sinks stopped')
    throw error
  } finally {
    clearTimeout(timer)
    deps.signal.removeEventListener('abort', stopAll)
  }
}

function formatDuration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`
}
