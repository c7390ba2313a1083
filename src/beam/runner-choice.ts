import { DipError } from '../shared/errors.ts'

/**
 * Where a batch job runs (`--runner`): a Beam runner, or `dip`, dip's own bounded loop without
 * Beam (the streaming sink's code stopping at the end offsets), kept for comparison and fallback.
 */
export const BATCH_RUNNERS = ['direct', 'flink', 'dip'] as const
export type BatchRunner = (typeof BATCH_RUNNERS)[number]
export type BeamRunner = Exclude<BatchRunner, 'dip'>

/** The runner as `--json` and `dip runs` name it. */
export type BeamRunnerLabel = `beam-${BeamRunner}`

/**
 * Only the direct runner is wired up: the Flink runner needs Beam's Flink job server and the
 * pipeline's steps shipped to a worker process, which dip does not do yet.
 */
export function assertRunnerAvailable(runner: BatchRunner): void {
  switch (runner) {
    case 'direct':
    case 'dip':
      return
    case 'flink':
      throw new DipError(
        'DIP_USAGE',
        '--runner flink is not available yet: the batch jobs run on the Beam direct runner only.',
        {
          hint: 'use --runner direct (the default); it runs the same Beam pipeline inside this process',
        },
      )
  }
}
