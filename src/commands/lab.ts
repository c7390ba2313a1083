import { createContext, type GlobalOptions } from '../app/context.ts'
import { onStopSignals } from '../app/stop-signals.ts'
import { planLab, type LabOptions } from '../lab/lab-plan.ts'
import { runLab, type LabSummary } from '../lab/lab-run.ts'
import { printSummary } from '../lab/lab-summary.ts'

export type { LabOptions, LabStepName } from '../lab/lab-plan.ts'
export type { LabSummary } from '../lab/lab-run.ts'
export type { LabAggregates, LabFeedRow } from '../lab/lab-summary.ts'

/**
 * `dip lab`: the whole lab in one run (see src/lab/lab-plan.ts for the steps), then its summary.
 * Ctrl-C / SIGTERM stops the running step cleanly; the summary shows what the lab holds.
 */
export async function lab(options: LabOptions, global: GlobalOptions): Promise<LabSummary> {
  const { loaded, reporter } = createContext(global)
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  try {
    const summary = await runLab(planLab(options, loaded.config.beam), {
      loaded,
      reporter,
      signal: controller.signal,
    })
    printSummary(summary, reporter)
    if (summary.interrupted)
      reporter.warn(
        'interrupted: the step then running stopped cleanly and the later ones did little or nothing; re-running `dip lab` is safe',
      )
    else if (!reporter.json)
      reporter.success(
        `${summary.produced.records.toLocaleString('en-US')} events produced (seed ${summary.seed}), lake and warehouse ${
          summary.sinks === 'batch' ? 'up to date' : 'streamed'
        } in ${summary.seconds.toFixed(1)} s`,
      )
    reporter.result(summary)
    return summary
  } finally {
    release()
  }
}
