import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DipError } from '../shared/errors.ts'
import { loadConfig } from './load-config.ts'

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dip-config-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

describe('loadConfig', () => {
  it('uses the lab defaults when there is no file', () => {
    const { config, file } = loadConfig({ cwd: dirWith({}), env: {} })
    expect(file).toBeUndefined()
    expect(config.mysql).toMatchObject({ user: 'root', password: 'admin123', database: 'tp3', port: 3306 })
    expect(config.kafka.brokers).toEqual(['localhost:9092'])
    expect(config.lake.root).toBe('data_lake')
  })

  it('layers file, then DIP_* env, then flags', () => {
    const cwd = dirWith({ 'dip.config.yaml': 'mysql:\n  port: 3310\n  database: lab\n' })
    const { config } = loadConfig({
      cwd,
      env: { DIP_MYSQL_PORT: '3320', DIP_KAFKA_BROKERS: 'a:1,b:2' },
      overrides: { mysql: { database: 'fromflag' } },
    })
    expect(config.mysql.port).toBe(3320)
    expect(config.mysql.database).toBe('fromflag')
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2'])
  })

  it('takes the Flink master of --runner flink from beam.flinkMaster or DIP_BEAM_FLINK_MASTER', () => {
    expect(loadConfig({ cwd: dirWith({}), env: {} }).config.beam.flinkMaster).toBe('[local]')
    const cwd = dirWith({ 'dip.config.yaml': 'beam:\n  flinkMaster: flink-jm:8081\n' })
    expect(loadConfig({ cwd, env: {} }).config.beam.flinkMaster).toBe('flink-jm:8081')
    expect(loadConfig({ cwd, env: { DIP_BEAM_FLINK_MASTER: '[local]' } }).config.beam.flinkMaster).toBe(
      '[local]',
    )
    expect(() => loadConfig({ cwd, env: { DIP_BEAM_FLINK_MASTER: 'http://x' } })).toThrow(
      /beam\.flinkMaster: got "http:\/\/x"; expected \[local\] or host:port/,
    )
  })

  it('takes the batch jobs’ runner from beam.runner or DIP_BEAM_RUNNER, default direct', () => {
    expect(loadConfig({ cwd: dirWith({}), env: {} }).config.beam.runner).toBe('direct')
    const cwd = dirWith({ 'dip.config.yaml': 'beam:\n  runner: flink\n' })
    expect(loadConfig({ cwd, env: {} }).config.beam.runner).toBe('flink')
    expect(loadConfig({ cwd, env: { DIP_BEAM_RUNNER: 'dip' } }).config.beam.runner).toBe('dip')
  })

  it('refuses a runner that is not direct, flink or dip: the key, the value, the choices, exit 2', () => {
    for (const [files, env] of [
      [{ 'dip.config.yaml': 'beam:\n  runner: spark\n' }, {}],
      [{}, { DIP_BEAM_RUNNER: 'spark' }],
    ] as const) {
      let caught: unknown
      try {
        loadConfig({ cwd: dirWith(files), env })
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(DipError)
      expect((caught as DipError).code).toBe('DIP_CONFIG')
      expect((caught as DipError).message).toContain(
        'beam.runner: got "spark"; expected one of "direct", "flink", "dip"',
      )
    }
  })

  it('resolves the state dir and lake root against the config file folder', () => {
    const cwd = dirWith({ 'dip.config.yaml': 'stateDir: state\n' })
    const loaded = loadConfig({ cwd, env: {} })
    expect(loaded.stateDir).toBe(join(cwd, 'state'))
    expect(loaded.lakeRoot).toBe(join(cwd, 'data_lake'))
  })

  it('lists every bad key with its value and what is expected, in one error', () => {
    const cwd = dirWith({
      'dip.config.yaml': 'mysql:\n  port: 99999\n  password: hunter2x\nstack:\n  mode: podman\nbogus: 1\n',
    })
    let error: unknown
    try {
      loadConfig({ cwd, env: { DIP_KAFKA_CONTROLLER_PORT: 'abc' } })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(DipError)
    const message = (error as DipError).message
    expect((error as DipError).code).toBe('DIP_CONFIG')
    expect(message).toContain('mysql.port: got 99999; expected at most 65535')
    expect(message).toContain('stack.mode: got "podman"; expected one of "auto", "native", "docker"')
    expect(message).toContain('bogus: unknown key')
    expect(message).toContain('DIP_KAFKA_CONTROLLER_PORT: got "abc"; expected a number')
    expect(message).not.toContain('hunter2x')
  })

  it('never prints a password, even when it is the bad value', () => {
    const cwd = dirWith({ 'dip.config.yaml': 'mysql:\n  password: 12345\n' })
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/mysql\.password: got \*\*\*\*; expected string/)
  })

  it('names a missing explicit config file', () => {
    expect(() => loadConfig({ cwd: dirWith({}), env: {}, file: 'nope.yaml' })).toThrow(
      /nope\.yaml does not exist/,
    )
  })
})

describe('loadConfig: problems the user should still hear about', () => {
  it('names a bad file value that its DIP_* variable hides, with the file, the key and the rule', () => {
    const cwd = dirWith({ 'dip.config.yaml': 'mysql:\n  port: 99999\n  password: 12345\n' })
    const loaded = loadConfig({ cwd, env: { DIP_MYSQL_PORT: '3307', DIP_MYSQL_PASSWORD: 'pw' } })
    expect(loaded.config.mysql.port).toBe(3307)
    const file = join(cwd, 'dip.config.yaml')
    expect(loaded.warnings).toEqual([
      `${file}: mysql.port: got 99999; expected at most 65535 (not used: DIP_MYSQL_PORT overrides it; fix the file before removing the override)`,
      `${file}: mysql.password: got ****; expected string (not used: DIP_MYSQL_PASSWORD overrides it; fix the file before removing the override)`,
    ])
  })

  it('has no warning when the file is fine', () => {
    const cwd = dirWith({ 'dip.config.yaml': 'mysql:\n  port: 3310\n' })
    expect(loadConfig({ cwd, env: { DIP_MYSQL_PORT: '3320' } }).warnings).toEqual([])
  })

  it('reports a config path that cannot be read as a config error (exit 2), like bad YAML', () => {
    const cwd = dirWith({ 'dip.config.yaml': 'kafka:\n  brokers: [a\n' })
    expect(() => loadConfig({ cwd, env: {} })).toThrow(expect.objectContaining({ code: 'DIP_CONFIG' }))
    expect(() => loadConfig({ cwd, env: {}, file: cwd })).toThrow(
      expect.objectContaining({ code: 'DIP_CONFIG', message: expect.stringContaining('cannot be read') }),
    )
  })
})
