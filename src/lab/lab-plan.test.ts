import { describe, expect, it } from 'vitest'
import { DipError } from '../shared/errors.ts'
import { labStepError, planLab, type LabSettings } from './lab-plan.ts'

const DIRECT: LabSettings = { runner: 'direct' }

describe('planLab', () => {
  it('runs every batch step by default, doctor first and summary last', () => {
    expect(planLab({}, DIRECT)).toEqual({
      steps: ['doctor', 'up', 'db apply', 'produce', 'ksql apply', 'settle', 'lake', 'warehouse', 'summary'],
      doctor: true,
      reset: false,
      sinks: { kind: 'batch', runner: 'direct' },
    })
  })

  it('purges right after up with --reset, and skips doctor with --skip-doctor', () => {
    const plan = planLab({ reset: true, skipDoctor: true }, DIRECT)
    expect(plan.steps.slice(0, 3)).toEqual(['up', 'reset', 'db apply'])
    expect(plan).toMatchObject({ doctor: false, reset: true })
  })

  it('swaps the batch sinks for one streaming step with --stream', () => {
    const plan = planLab({ streamMs: 30_000, count: 200, seed: 7 }, DIRECT)
    expect(plan.steps).toEqual(['doctor', 'up', 'db apply', 'produce', 'ksql apply', 'stream', 'summary'])
    expect(plan).toMatchObject({ sinks: { kind: 'stream', ms: 30_000 }, count: 200, seed: 7 })
  })

  it("runs the lake and warehouse steps on the config's beam.runner", () => {
    expect(planLab({}, { runner: 'flink' }).sinks).toEqual({ kind: 'batch', runner: 'flink' })
    expect(planLab({}, { runner: 'dip' }).sinks).toEqual({ kind: 'batch', runner: 'dip' })
  })

  it('produces before ksql apply: the migrations need the raw topic', () => {
    const { steps } = planLab({}, DIRECT)
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
