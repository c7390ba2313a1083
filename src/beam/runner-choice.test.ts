import { describe, expect, it } from 'vitest'
import { isDipError } from '../shared/errors.ts'
import { beamTarget, runnerLabel, runnerTitle } from './runner-choice.ts'

const settings = { flinkMaster: '[local]', stateDir: '/tmp/state' }

describe('beamTarget', () => {
  it('runs the direct runner in this process', () => {
    const target = beamTarget('direct', settings)
    expect(target).toEqual({ runner: 'direct' })
    expect(runnerLabel(target)).toBe('beam-direct')
  })

  it('runs flink on the embedded Flink or on a cluster’s host:port, and names it beam-flink', () => {
    expect(beamTarget('flink', settings)).toEqual({
      runner: 'flink',
      flinkMaster: '[local]',
      stateDir: '/tmp/state',
    })
    const cluster = beamTarget('flink', { ...settings, flinkMaster: 'flink-jm:8081' })
    expect(runnerLabel(cluster)).toBe('beam-flink')
    expect(runnerTitle(cluster)).toBe('Beam (Flink runner, flink-jm:8081)')
  })

  it('refuses a Flink master that is neither [local] nor host:port, as a usage error naming it', () => {
    for (const bad of ['local', 'http://flink:8081', 'flink', '']) {
      let caught: unknown
      try {
        beamTarget('flink', { ...settings, flinkMaster: bad })
      } catch (error) {
        caught = error
      }
      expect(isDipError(caught) && caught.code).toBe('DIP_USAGE')
      expect(isDipError(caught) && caught.message).toContain(JSON.stringify(bad))
      expect(isDipError(caught) && caught.hint).toMatch(/\[local\]/)
    }
  })
})
