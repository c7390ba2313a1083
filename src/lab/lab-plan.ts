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

/**
 * One step of the lab, with what it is given. The steps run in the plan's order, each by its own
 * executor (lab-execute.ts); a failing step stops the run.
 */
export type LabStep =
  | { readonly kind: 'doctor' }
  | { readonly kind: 'up' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'db apply' }
  | { readonly kind: 'produce'; readonly count?: number; readonly seed?: number }
  | { readonly kind: 'ksql apply' }
  | { readonly kind: 'settle' }
  | { readonly kind: 'lake'; readonly runner: BatchRunner }
  | { readonly kind: 'warehouse'; readonly runner: BatchRunner }
  | { readonly kind: 'stream'; readonly ms: number }
  | { readonly kind: 'summary' }

export type LabStepName = LabStep['kind']

/** How the lake and warehouse are filled: the batch jobs once on a runner, or the streaming sinks for a while. */
export type LabSinks = 'batch' | 'stream'

/** What the lab takes from the config: the batch jobs' runner (`beam.runner`, DIP_BEAM_RUNNER). */
export interface LabSettings {
  readonly runner: BatchRunner
}

/** The lab as data: the steps that run, in order, with what each is given. */
export interface LabPlan {
  readonly steps: readonly LabStep[]
  readonly sinks: LabSinks
}

/**
 * Options → the lab's steps: doctor → up → (reset) → db apply → produce → ksql apply → the sinks →
 * summary. The batch sinks (settle, lake, warehouse) run on the config's `beam.runner`; --stream
 * swaps them for one streaming step. Produce comes before ksql apply: the migrations' CREATE STREAM
 * needs the topic, and reads it from the earliest offset.
 */
export function planLab(options: LabOptions, settings: LabSettings): LabPlan {
  const { runner } = settings
  const sinkSteps: readonly LabStep[] =
    options.streamMs === undefined
      ? [{ kind: 'settle' }, { kind: 'lake', runner }, { kind: 'warehouse', runner }]
      : [{ kind: 'stream', ms: options.streamMs }]
  return {
    steps: [
      ...(options.skipDoctor === true ? [] : [{ kind: 'doctor' } as const]),
      { kind: 'up' },
      ...(options.reset === true ? [{ kind: 'reset' } as const] : []),
      { kind: 'db apply' },
      {
        kind: 'produce',
        ...(options.count === undefined ? {} : { count: options.count }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      },
      { kind: 'ksql apply' },
      ...sinkSteps,
      { kind: 'summary' },
    ],
    sinks: options.streamMs === undefined ? 'batch' : 'stream',
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
