import { describe, expect, it } from 'vitest'
import { isDipError } from '../shared/errors.ts'
import { batchChoice, batchRunnerLabel, beamTarget, runnerLabel, runnerTitle } from './runner-choice.ts'

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

describe('batchChoice', () => {
  const config = { runner: 'direct', flinkMaster: '[local]', stateDir: '/tmp/state' } as const

  it('takes --runner over the config’s beam.runner, and the config’s when no flag is given', () => {
    expect(batchChoice({}, config)).toEqual({ runner: 'direct', beam: { runner: 'direct' } })
    expect(batchChoice({}, { ...config, runner: 'dip' })).toEqual({ runner: 'dip' })
    const flink = batchChoice({}, { ...config, runner: 'flink', flinkMaster: 'flink-jm:8081' })
    expect(flink.beam).toEqual({ runner: 'flink', flinkMaster: 'flink-jm:8081', stateDir: '/tmp/state' })
    expect(batchChoice({ runner: 'dip' }, { ...config, runner: 'flink' })).toEqual({ runner: 'dip' })
  })

  it('takes --flink-master over beam.flinkMaster, also when beam.runner chose flink', () => {
    const choice = batchChoice({ flinkMaster: 'jm:8081' }, { ...config, runner: 'flink' })
    expect(choice.beam).toEqual({ runner: 'flink', flinkMaster: 'jm:8081', stateDir: '/tmp/state' })
  })

  it('refuses --flink-master when the runner is not flink, as a usage error', () => {
    let caught: unknown
    try {
      batchChoice({ flinkMaster: 'jm:8081' }, config)
    } catch (error) {
      caught = error
    }
    expect(isDipError(caught) && caught.code).toBe('DIP_USAGE')
    expect(isDipError(caught) && caught.message).toContain('--flink-master')
  })

  it('names the runner as --json and dip runs do', () => {
    expect(batchRunnerLabel(batchChoice({}, config))).toBe('beam-direct')
    expect(batchRunnerLabel(batchChoice({ runner: 'flink' }, config))).toBe('beam-flink')
    expect(batchRunnerLabel(batchChoice({ runner: 'dip' }, config))).toBe('dip')
  })
})
