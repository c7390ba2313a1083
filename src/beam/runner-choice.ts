import { DipError } from '../shared/errors.ts'

/** Where the batch pipelines run: `--runner`. */
export const BEAM_RUNNERS = ['direct', 'flink'] as const
export type BeamRunner = (typeof BEAM_RUNNERS)[number]

/** The runner as `--json` and `dip runs` name it. */
export type BeamRunnerLabel = `beam-${BeamRunner}`

/**
 * Only the direct runner is wired up: the Flink runner needs Beam's Flink job server and the
 * pipeline's steps shipped to a worker process, which dip does not do yet.
 */
export function assertRunnerAvailable(runner: BeamRunner): void {
  switch (runner) {
    case 'direct':
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
