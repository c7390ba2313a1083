import { createContext, type GlobalOptions } from '../app/context.ts'
import { createKafka, createKsql } from '../app/create-deps.ts'
import {
  runConsumeWarehouse,
  type ConsumeWarehouseOptions,
  type ConsumeWarehouseResult,
} from '../consume/warehouse-job.ts'
import { describeFailures } from '../warehouse/table-failure.ts'
import { onStopSignals } from '../app/stop-signals.ts'

/** `dip consume warehouse`: every ksqlDB table → its MySQL table, exactly once. */
export async function consumeWarehouse(
  options: ConsumeWarehouseOptions,
  global: GlobalOptions,
): Promise<ConsumeWarehouseResult> {
  const { loaded, reporter } = createContext(global)
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  try {
    const result = await runConsumeWarehouse(options, {
      config: loaded.config,
      stateDir: loaded.stateDir,
      kafka: await createKafka(loaded.config, 'warehouse'),
      ksql: await createKsql(loaded.config),
      reporter,
      signal: controller.signal,
    })
    // dip's own loop has no Beam report; --json still names the runner a batch ran on.
    reporter.result(
      result.mode === 'batch' && result.runner === undefined ? { ...result, runner: 'dip' } : result,
    )
    if (result.failed.length > 0) {
      // After the summary (the other tables were written): the run as a whole failed.
      reporter.warn(
        `${result.failed.length} table(s) could not be written: ${describeFailures(result.failed)}`,
      )
      process.exitCode = 1
    }
    return result
  } finally {
    release()
  }
}
