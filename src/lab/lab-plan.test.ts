import { describe, expect, it } from 'vitest'
import { DipError } from '../shared/errors.ts'
import { labStepError, planLab } from './lab-plan.ts'

describe('planLab', () => {
  it('runs every batch step by default, doctor first and summary last', () => {
    expect(planLab({})).toEqual({
      steps: ['doctor', 'up', 'db apply', 'produce', 'ksql apply', 'settle', 'lake', 'warehouse', 'summary'],
      doctor: true,
      reset: false,
      sinks: { kind: 'batch' },
    })
  })

  it('purges right after up with --reset, and skips doctor with --skip-doctor', () => {
    const plan = planLab({ reset: true, skipDoctor: true })
    expect(plan.steps.slice(0, 3)).toEqual(['up', 'reset', 'db apply'])
    expect(plan).toMatchObject({ doctor: false, reset: true })
  })

  it('swaps the batch sinks for one streaming step with --stream', () => {
    const plan = planLab({ streamMs: 30_000, count: 200, seed: 7 })
    expect(plan.steps).toEqual(['doctor', 'up', 'db apply', 'produce', 'ksql apply', 'stream', 'summary'])
    expect(plan).toMatchObject({ sinks: { kind: 'stream', ms: 30_000 }, count: 200, seed: 7 })
  })

  it('produces before ksql apply: the migrations need the raw topic', () => {
    const { steps } = planLab({})
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
