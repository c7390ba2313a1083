import { describe, expect, it } from 'vitest'
import { isDipError } from '../shared/errors.ts'
import { assertRunnerAvailable } from './runner-choice.ts'

describe('assertRunnerAvailable', () => {
  it('accepts the direct runner and dip’s own loop', () => {
    expect(() => assertRunnerAvailable('direct')).not.toThrow()
    expect(() => assertRunnerAvailable('dip')).not.toThrow()
  })

  it('refuses flink as a usage error that says it is not available yet and what to use', () => {
    let caught: unknown
    try {
      assertRunnerAvailable('flink')
    } catch (error) {
      caught = error
    }
    expect(isDipError(caught) && caught.code).toBe('DIP_USAGE')
    expect(isDipError(caught) && caught.message).toMatch(/--runner flink is not available yet/)
    expect(isDipError(caught) && caught.hint).toMatch(/--runner direct/)
  })
})
