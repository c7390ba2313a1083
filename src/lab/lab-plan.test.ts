import { describe, expect, it } from 'vitest'
import { DipError } from '../shared/errors.ts'
import { labStepError, planLab, type LabPlan, type LabSettings } from './lab-plan.ts'

const DIRECT: LabSettings = { runner: 'direct' }

const kinds = (plan: LabPlan): readonly string[] => plan.steps.map((step) => step.kind)

describe('planLab', () => {
  it('runs every batch step by default, doctor first and summary last, the sinks on beam.runner', () => {
    expect(planLab({}, DIRECT)).toEqual({
      steps: [
        { kind: 'doctor' },
        { kind: 'up' },
        { kind: 'db apply' },
        { kind: 'produce' },
        { kind: 'ksql apply' },
        { kind: 'settle' },
        { kind: 'lake', runner: 'direct' },
        { kind: 'warehouse', runner: 'direct' },
        { kind: 'summary' },
      ],
      sinks: 'batch',
    })
  })

  it('purges right after up with --reset, and skips doctor with --skip-doctor', () => {
    const plan = planLab({ reset: true, skipDoctor: true }, DIRECT)
    expect(kinds(plan).slice(0, 3)).toEqual(['up', 'reset', 'db apply'])
    expect(kinds(plan)).not.toContain('doctor')
  })

  it('swaps the batch sinks for one streaming step with --stream, and gives produce its count and seed', () => {
    const plan = planLab({ streamMs: 30_000, count: 200, seed: 7 }, DIRECT)
    expect(kinds(plan)).toEqual(['doctor', 'up', 'db apply', 'produce', 'ksql apply', 'stream', 'summary'])
    expect(plan.sinks).toBe('stream')
    expect(plan.steps).toContainEqual({ kind: 'stream', ms: 30_000 })
    expect(plan.steps).toContainEqual({ kind: 'produce', count: 200, seed: 7 })
  })

  it("runs the lake and warehouse steps on the config's beam.runner", () => {
    for (const runner of ['flink', 'dip'] as const) {
      const { steps } = planLab({}, { runner })
      expect(steps.filter((step) => step.kind === 'lake' || step.kind === 'warehouse')).toEqual([
        { kind: 'lake', runner },
        { kind: 'warehouse', runner },
      ])
    }
  })

  it('produces before ksql apply: the migrations need the raw topic', () => {
    const steps = kinds(planLab({}, DIRECT))
    expect(steps.indexOf('produce')).toBeLessThan(steps.indexOf('ksql apply'))
  })
})

describe('labStepError', () => {
  it('names the step, keeps a coded error and points at the single command', () => {
    const error = labStepError('produce', new DipError('DIP_KAFKA', 'broker gone'))
    expect(error.code).toBe('DIP_KAFKA')
    expect(error.message).toBe('dip lab stopped at step "produce": broker gone')
    expect(error.hint).toContain('`dip produce`')
  })

  it('maps an uncoded error to DIP_INTERNAL', () => {
    expect(labStepError('lake', new Error('boom')).code).toBe('DIP_INTERNAL')
    expect(labStepError('lake', new Error('boom')).hint).toContain('dip consume lake --batch')
  })
})
