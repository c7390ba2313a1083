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

/** Where a Beam pipeline runs: in this process, or on Flink through Beam's Flink job server. */
export type BeamTarget =
  | { readonly runner: 'direct' }
  | {
      readonly runner: 'flink'
      /** `[local]` (an embedded Flink in the job server) or `host:port` of a Flink cluster. */
      readonly flinkMaster: string
      /** The job server's log and staged files go under `<stateDir>/beam-flink/`. */
      readonly stateDir: string
    }

export const DIRECT: BeamTarget = { runner: 'direct' }

/** `[local]`, or the host:port of a Flink cluster's REST endpoint (what Flink's `-m` takes). */
export const FLINK_MASTER = /^(\[local\]|[^\s:/]+:\d{1,5})$/

/** The target of a Beam runner choice, from the flag and the config's `beam.flinkMaster`. */
export function beamTarget(
  runner: BeamRunner,
  settings: { readonly flinkMaster: string; readonly stateDir: string },
): BeamTarget {
  switch (runner) {
    case 'direct':
      return DIRECT
    case 'flink':
      if (!FLINK_MASTER.test(settings.flinkMaster))
        throw new DipError(
          'DIP_USAGE',
          `--flink-master ${JSON.stringify(settings.flinkMaster)} is not a Flink master.`,
          {
            hint: 'use [local] (an embedded Flink) or host:port of your Flink cluster’s REST endpoint, e.g. flink-jm:8081',
          },
        )
      return { runner: 'flink', flinkMaster: settings.flinkMaster, stateDir: settings.stateDir }
  }
}

export function runnerLabel(target: BeamTarget): BeamRunnerLabel {
  return `beam-${target.runner}`
}

/** How progress lines name the runner. */
export function runnerTitle(target: BeamTarget): string {
  switch (target.runner) {
    case 'direct':
      return 'Beam (direct runner)'
    case 'flink':
      return `Beam (Flink runner, ${target.flinkMaster})`
  }
}

/** A batch job's runner, and where its Beam pipeline runs (absent for dip's own loop). */
export interface BatchChoice {
  readonly runner: BatchRunner
  readonly beam?: BeamTarget
}

/**
 * The runner of a batch job: `--runner` if given, else the config's `beam.runner`; the Flink
 * master likewise from `--flink-master` or `beam.flinkMaster`.
 */
export function batchChoice(
  flags: { readonly runner?: BatchRunner | undefined; readonly flinkMaster?: string | undefined },
  settings: {
    readonly runner: BatchRunner
    readonly flinkMaster: string
    readonly stateDir: string
  },
): BatchChoice {
  const runner = flags.runner ?? settings.runner
  if (flags.flinkMaster !== undefined && runner !== 'flink')
    throw new DipError('DIP_USAGE', '--flink-master applies to --runner flink only.', {
      hint: 'add --runner flink (or set beam.runner: flink in dip.config.yaml)',
    })
  if (runner === 'dip') return { runner }
  return {
    runner,
    beam: beamTarget(runner, {
      flinkMaster: flags.flinkMaster ?? settings.flinkMaster,
      stateDir: settings.stateDir,
    }),
  }
}

/** How `--json` and `dip runs` name a batch runner: beam-direct, beam-flink, or dip. */
export function batchRunnerLabel(choice: BatchChoice): BeamRunnerLabel | 'dip' {
  return choice.beam === undefined ? 'dip' : runnerLabel(choice.beam)
}
