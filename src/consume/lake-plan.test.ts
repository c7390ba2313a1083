import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load-config.ts'
import { isDipError } from '../shared/errors.ts'
import { LAKE_DEFAULTS } from './lake-job.ts'
import { lakeConfigOverrides, planConsumeLake, type ConsumeLakeFlags } from './lake-plan.ts'

function plan(flags: ConsumeLakeFlags, env: Record<string, string> = {}) {
  const loaded = loadConfig({ cwd: '/nowhere', env, overrides: lakeConfigOverrides(flags) })
  return { loaded, plan: planConsumeLake(flags, loaded) }
}

function usageMessage(flags: ConsumeLakeFlags): string {
  try {
    plan(flags)
  } catch (error) {
    if (isDipError(error) && error.code === 'DIP_USAGE') return error.message
    throw error
  }
  throw new Error('expected a usage error')
}

describe('lakeConfigOverrides', () => {
  it('puts the lake flags under lake, and nothing when none is given', () => {
    expect(lakeConfigOverrides({})).toEqual({})
    expect(lakeConfigOverrides({ lakeRoot: '/l', format: 'parquet', timeZone: 'UTC' })).toEqual({
      lake: { root: '/l', format: 'parquet', timeZone: 'UTC' },
    })
  })
})

describe('planConsumeLake', () => {
  it('streams with the defaults and the config lake when no flag is given', () => {
    const { loaded, plan: p } = plan({})
    expect(p).toMatchObject({
      root: loaded.lakeRoot,
      mode: 'streaming',
      format: loaded.config.lake.format,
      maxFileRecords: LAKE_DEFAULTS.maxFileRecords,
      maxFileBytes: LAKE_DEFAULTS.maxFileMb * 1024 * 1024,
      idleFlushMs: LAKE_DEFAULTS.idleFlushMs,
      groupId: LAKE_DEFAULTS.groupId,
      commit: true,
      runner: 'direct',
    })
    expect(p.beam).toBeDefined()
  })

  it('maps the sizing flags, and keeps windows open at least as long as the idle flush', () => {
    const { plan: p } = plan({ batch: true, maxFileMb: 2, idleFlush: 10 * LAKE_DEFAULTS.maxWindowAgeMs })
    expect(p).toMatchObject({
      mode: 'batch',
      maxFileBytes: 2 * 1024 * 1024,
      maxWindowAgeMs: 10 * LAKE_DEFAULTS.maxWindowAgeMs,
    })
  })

  it('needs no Beam target for the dip runner', () => {
    expect(plan({ batch: true, runner: 'dip' }).plan.beam).toBeUndefined()
  })

  it("runs a batch on the config's beam.runner without --runner, and --runner wins over it", () => {
    expect(plan({ batch: true }, { DIP_BEAM_RUNNER: 'dip' }).plan).toMatchObject({ runner: 'dip' })
    expect(plan({ batch: true }, { DIP_BEAM_RUNNER: 'dip' }).plan.beam).toBeUndefined()
    expect(plan({ batch: true, runner: 'direct' }, { DIP_BEAM_RUNNER: 'dip' }).plan).toMatchObject({
      runner: 'direct',
      beam: { runner: 'direct' },
    })
  })

  it('sends --runner flink to the --flink-master given, else to beam.flinkMaster', () => {
    const flags: ConsumeLakeFlags = { batch: true, runner: 'flink', flinkMaster: 'flink-jm:8081' }
    expect(plan(flags).plan.beam).toMatchObject({ runner: 'flink', flinkMaster: 'flink-jm:8081' })
    const fromConfig = plan({ batch: true }, { DIP_BEAM_RUNNER: 'flink', DIP_BEAM_FLINK_MASTER: 'jm:8081' })
    expect(fromConfig.plan.beam).toMatchObject({ runner: 'flink', flinkMaster: 'jm:8081' })
    // beam.runner flink allows --flink-master without --runner.
    const masterOnly = plan({ batch: true, flinkMaster: 'flink-jm:8081' }, { DIP_BEAM_RUNNER: 'flink' })
    expect(masterOnly.plan.beam).toMatchObject({ runner: 'flink', flinkMaster: 'flink-jm:8081' })
  })

  it('refuses flag combinations that cannot run', () => {
    expect(usageMessage({ runner: 'dip' })).toContain('--runner applies to batch runs only')
    expect(usageMessage({ runner: 'flink', flinkMaster: 'localhost:8081' })).toContain(
      '--runner applies to batch runs only',
    )
    expect(usageMessage({ flinkMaster: 'localhost:8081' })).toContain(
      '--flink-master applies to batch runs only',
    )
    expect(usageMessage({ batch: true, flinkMaster: 'localhost:8081' })).toContain(
      '--flink-master applies to --runner flink only',
    )
    expect(usageMessage({ topics: [] })).toContain('--topics is empty')
    expect(usageMessage({ timeZone: 'Mars/Olympus' })).toContain('lake time zone')
  })
})
