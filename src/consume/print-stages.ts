import type { Reporter } from '../app/reporter.ts'
import type { PipelineReport } from '../beam/pipeline-report.ts'

/** The Beam pipeline's steps: elements in and out and each step's own time. */
export function printStages(reporter: Reporter, report: PipelineReport): void {
  reporter.table(
    report.stages.map((s) => [s.stage, s.in, s.out, `${s.seconds.toFixed(2)} s`]),
    { header: [`${report.runner} stage`, 'in', 'out', 'own time'] },
  )
}
