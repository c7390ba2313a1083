import { describe, expect, it } from 'vitest'
import { DipError, isDipError } from '../shared/errors.ts'
import { executeLabPlan, requireFinding, type LabExecutors, type LabFindings } from './lab-execute.ts'
import { planLab, type LabPlan, type LabStep, type LabStepName } from './lab-plan.ts'

/** Fake executors that record each step they are given, and what the earlier steps had found. */
function recordingExecutors(fail?: { readonly at: LabStepName; readonly error: Error }) {
  const ran: LabStep[] = []
  const seen: LabFindings[] = []
  const record =
    (findings: LabFindings) =>
    async (step: LabStep, found: LabFindings): Promise<LabFindings> => {
      ran.push(step)
      seen.push(found)
      if (fail?.at === step.kind) throw fail.error
      return findings
    }
  const executors: LabExecutors = {
    doctor: record({}),
    up: record({ up: { mode: 'native', alreadyRunning: false } }),
    reset: record({}),
    'db apply': record({}),
    produce: record({ seed: 42 }),
    'ksql apply': record({ ksqlApplied: 3 }),
    settle: record({}),
    lake: record({}),
    warehouse: record({}),
    stream: record({}),
    summary: record({}),
  }
  return { executors, ran, seen }
}

const PLANS: readonly (readonly [string, LabPlan])[] = [
  ['the default batch lab', planLab({}, { runner: 'direct' })],
  ['--reset --skip-doctor on flink', planLab({ reset: true, skipDoctor: true }, { runner: 'flink' })],
  ['--stream with a count and seed', planLab({ streamMs: 5_000, count: 10, seed: 7 }, { runner: 'dip' })],
]

describe('executeLabPlan', () => {
  it.each(PLANS)(
    "runs exactly the plan's steps, in order, each by its kind's executor: %s",
    async (_, plan) => {
      const { executors, ran } = recordingExecutors()
      const outcome = await executeLabPlan(plan, executors)
      expect(ran).toEqual(plan.steps)
      expect(outcome.ran).toEqual(plan.steps.map((step) => step.kind))
    },
  )

  it('gives each step what the earlier steps found', async () => {
    const { executors, seen } = recordingExecutors()
    const plan = planLab({ skipDoctor: true }, { runner: 'direct' })
    const outcome = await executeLabPlan(plan, executors)
    const at = (kind: LabStepName) => seen[plan.steps.findIndex((step) => step.kind === kind)]
    expect(at('up')).toEqual({ ran: [] })
    expect(at('produce')).toMatchObject({ up: { mode: 'native' } })
    expect(at('summary')).toMatchObject({ seed: 42, ksqlApplied: 3 })
    expect(outcome).toMatchObject({ up: { mode: 'native' }, seed: 42, ksqlApplied: 3 })
  })

  it('stops at a failing step with its coded error, named after the step; later steps do not run', async () => {
    const { executors, ran } = recordingExecutors({
      at: 'produce',
      error: new DipError('DIP_KAFKA', 'broker gone'),
    })
    const plan = planLab({}, { runner: 'direct' })
    const error: unknown = await executeLabPlan(plan, executors).catch((thrown: unknown) => thrown)
    expect(isDipError(error) && error.code).toBe('DIP_KAFKA')
    expect((error as Error).message).toBe('dip lab stopped at step "produce": broker gone')
    expect(ran.map((step) => step.kind)).toEqual(['doctor', 'up', 'db apply', 'produce'])
  })

  it('codes an uncoded failure DIP_INTERNAL', async () => {
    const { executors } = recordingExecutors({ at: 'lake', error: new Error('boom') })
    const error: unknown = await executeLabPlan(planLab({}, { runner: 'direct' }), executors).catch(
      (thrown: unknown) => thrown,
    )
    expect(isDipError(error) && error.code).toBe('DIP_INTERNAL')
  })
})

describe('requireFinding', () => {
  it('names the missing step when a finding is absent', () => {
    expect(requireFinding(3, 'ksql apply')).toBe(3)
    expect(() => requireFinding(undefined, 'produce')).toThrow('the lab plan has no "produce" step')
  })
})
