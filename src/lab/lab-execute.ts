import type { LakeSummary } from '../consume/lake-job-types.ts'
import type { ConsumeWarehouseResult } from '../consume/warehouse-job.ts'
import type { ProduceSummary } from '../produce/produce-run.ts'
import { assertNever } from '../shared/assert-never.ts'
import { DipError } from '../shared/errors.ts'
import { labStepError, type LabPlan, type LabStep, type LabStepName } from './lab-plan.ts'
import type { LabResetReport } from './lab-reset.ts'
import type { LabAggregates, LabFeedRow } from './lab-summary.ts'

/** What the steps found so far; each step adds its part. */
export interface LabFindings {
  readonly up?: { readonly mode: string; readonly alreadyRunning: boolean }
  readonly reset?: LabResetReport
  readonly seed?: number
  readonly produced?: ProduceSummary
  readonly ksqlApplied?: number
  readonly lake?: LakeSummary
  readonly warehouse?: ConsumeWarehouseResult
  readonly feeds?: readonly LabFeedRow[]
  readonly aggregates?: LabAggregates
}

/** The findings of a whole run, with the steps that ran, in order. */
export interface LabOutcome extends LabFindings {
  readonly ran: readonly LabStepName[]
}

type StepOf<K extends LabStepName> = Extract<LabStep, { readonly kind: K }>

/** One executor per step kind: given its step and what the earlier steps found, it does the step. */
export type LabExecutors = {
  readonly [K in LabStepName]: (step: StepOf<K>, found: LabFindings) => Promise<LabFindings>
}

/**
 * Runs the plan's steps in its order, each by its kind's executor, so the plan is what runs. A
 * failing step stops the run with an error naming it (its code kept).
 */
export async function executeLabPlan(plan: LabPlan, executors: LabExecutors): Promise<LabOutcome> {
  let outcome: LabOutcome = { ran: [] }
  for (const step of plan.steps) {
    let found: LabFindings
    try {
      found = await executeStep(step, executors, outcome)
    } catch (error) {
      throw labStepError(step.kind, error)
    }
    outcome = { ...outcome, ...found, ran: [...outcome.ran, step.kind] }
  }
  return outcome
}

function executeStep(step: LabStep, executors: LabExecutors, found: LabFindings): Promise<LabFindings> {
  switch (step.kind) {
    case 'doctor':
      return executors.doctor(step, found)
    case 'up':
      return executors.up(step, found)
    case 'reset':
      return executors.reset(step, found)
    case 'db apply':
      return executors['db apply'](step, found)
    case 'produce':
      return executors.produce(step, found)
    case 'ksql apply':
      return executors['ksql apply'](step, found)
    case 'settle':
      return executors.settle(step, found)
    case 'lake':
      return executors.lake(step, found)
    case 'warehouse':
      return executors.warehouse(step, found)
    case 'stream':
      return executors.stream(step, found)
    case 'summary':
      return executors.summary(step, found)
    default:
      return assertNever(step, 'lab step')
  }
}

/** A finding a later step or the summary needs: its absence means the plan lacks the step. */
export function requireFinding<T>(value: T | undefined, step: LabStepName): T {
  if (value === undefined)
    throw new DipError('DIP_INTERNAL', `the lab plan has no "${step}" step before the steps that need it`)
  return value
}
