import { createContext, type GlobalOptions } from '../app/context.ts'
import type { RunRecord } from '../orchestrate/run-record.ts'
import { readRuns } from '../orchestrate/runs-log.ts'

/** `dip runs`: the orchestrator's job runs from `<stateDir>/runs.jsonl`, newest last. */
export async function runs(options: { readonly last?: number }, global: GlobalOptions): Promise<RunRecord[]> {
  const { loaded, reporter } = createContext(global)
  const all = await readRuns(loaded.stateDir)
  const shown = all.slice(-(options.last ?? 20))
  reporter.result(shown)
  if (reporter.json) return shown
  if (shown.length === 0) {
    reporter.info(`no runs recorded yet in ${loaded.stateDir} (start one with: dip orchestrate --once)`)
    return shown
  }
  const mark = (run: RunRecord) =>
    run.status === 'ok' ? reporter.color.green('ok') : reporter.color.red('failed')
  reporter.table(
    shown.map((run) => [
      run.job,
      run.start,
      `${((Date.parse(run.end) - Date.parse(run.start)) / 1000).toFixed(1)} s`,
      mark(run),
      run.records,
      run.files,
      run.rows,
      run.attempts,
      run.runner ?? '',
      run.deadLetters ?? '',
      run.error ?? '',
    ]),
    {
      header: [
        'job',
        'start',
        'took',
        'status',
        'records',
        'files',
        'rows',
        'attempts',
        'runner',
        'dead letters',
        'error',
      ],
    },
  )
  return shown
}
