import type { BatchRunner } from '../beam/runner-choice.ts'
import { DipError, errorMessage } from '../shared/errors.ts'

/** What `dip lab` was asked for, as the CLI maps its flags. */
export interface LabOptions {
  /** Transactions to produce (default 5,000, like the original kit). */
  readonly count?: number
  /** Generator seed; default: 42 on an empty topic, so a fresh lab is reproducible, else a new one. */
  readonly seed?: number
  /** Skip `dip doctor` (the stack is known to be fine). */
  readonly skipDoctor?: boolean
  /** Run the streaming sinks for this long instead of the batch jobs. */
  readonly streamMs?: number
  /** Purge the lab's ksqlDB objects, topics, lake, warehouse rows and run log first. */
  readonly reset?: boolean
}

export type LabStepName =
  | 'doctor'
  | 'up'
  | 'reset'
  | 'db apply'
  | 'produce'
  | 'ksql apply'
  | 'settle'
  | 'lake'
  | 'warehouse'
  | 'stream'
  | 'summary'

/**
 * How the lake and warehouse are filled: the batch jobs once on a runner (Beam direct, Flink, or
 * dip's own loop), or the streaming sinks for a while.
 */
export type LabSinks =
  { readonly kind: 'batch'; readonly runner: BatchRunner } | { readonly kind: 'stream'; readonly ms: number }

/** What the lab takes from the config: the batch jobs' runner (`beam.runner`, DIP_BEAM_RUNNER). */
export interface LabSettings {
  readonly runner: BatchRunner
}

/** The lab as data: which steps run, in order, and what they are given. */
export interface LabPlan {
  readonly steps: readonly LabStepName[]
  readonly doctor: boolean
  readonly reset: boolean
  readonly count?: number
  readonly seed?: number
  readonly sinks: LabSinks
}

/**
 * Options → the lab's steps: doctor → up → (reset) → db apply → produce → ksql apply → the sinks →
 * summary. The batch sinks run on the config's `beam.runner`. Produce comes before ksql apply: the migrations' CREATE STREAM needs the topic, and
 * reads it from the earliest offset.
 */
export function planLab(options: LabOptions, settings: LabSettings): LabPlan {
  const doctor = options.skipDoctor !== true
  const reset = options.reset === true
  const sinks: LabSinks =
    options.streamMs === undefined
      ? { kind: 'batch', runner: settings.runner }
      : { kind: 'stream', ms: options.streamMs }
  const sinkSteps: readonly LabStepName[] =
    sinks.kind === 'batch' ? ['settle', 'lake', 'warehouse'] : ['stream']
  return {
    steps: [
      ...(doctor ? (['doctor'] as const) : []),
      'up',
      ...(reset ? (['reset'] as const) : []),
      'db apply',
      'produce',
      'ksql apply',
      ...sinkSteps,
      'summary',
    ],
    doctor,
    reset,
    ...(options.count === undefined ? {} : { count: options.count }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    sinks,
  }
}

/** A failing step's error: named after the step, its code kept, with the way to look closer. */
export function labStepError(name: LabStepName, error: unknown): DipError {
  const code: DipError['code'] = error instanceof DipError ? error.code : 'DIP_INTERNAL'
  return new DipError(code, `dip lab stopped at step "${name}": ${errorMessage(error)}`, {
    hint: labStepHint(name),
  })
}

export function labStepHint(name: LabStepName): string {
  const again = 're-running `dip lab` is safe'
  switch (name) {
    case 'doctor':
    case 'up':
    case 'db apply':
    case 'produce':
    case 'ksql apply':
      return `run \`dip ${name}\` alone to see its details; ${again}`
    case 'lake':
    case 'warehouse':
      return `run \`dip consume ${name} --batch\` alone to see its details; ${again}`
    case 'stream':
      return `run \`dip consume lake\` and \`dip consume warehouse\` alone to see their details; ${again}`
    case 'settle':
      return `check the queries with \`dip ksql status\`; ${again}`
    case 'reset':
      return 'fix the cause and run `dip lab --reset` again (what was purged stays purged)'
    case 'summary':
      return `inspect with \`dip lake ls\` and \`dip status\`; ${again}`
  }
}
