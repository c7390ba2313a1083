import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig, type LoadedConfig } from '../config/load-config.ts'
import { createFakeRunner } from './command-runner.ts'
import { decideMode, recordMode } from './select-driver.ts'

let dir: string
let loaded: LoadedConfig
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-mode-'))
  loaded = loadConfig({ cwd: dir, env: {} })
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const dockerAnswers = () => createFakeRunner(() => ({ exitCode: 0, stdout: '27.3.1' }))
const noDocker = () =>
  createFakeRunner(() => ({ exitCode: 1, stderr: 'Cannot connect to the Docker daemon' }))

describe('decideMode', () => {
  it('auto: docker when `docker info` answers, native otherwise', async () => {
    const runner = dockerAnswers()
    expect((await decideMode({ requested: undefined, loaded, runner, purpose: 'up' })).mode).toBe('docker')
    expect(runner.calls[0]?.args.slice(0, 1)).toEqual(['info'])
    expect((await decideMode({ requested: 'auto', loaded, runner: noDocker(), purpose: 'up' })).mode).toBe(
      'native',
    )
  })

  it('--mode wins over the Docker probe and asks nothing', async () => {
    const runner = dockerAnswers()
    const decision = await decideMode({ requested: 'native', loaded, runner, purpose: 'up' })
    expect(decision).toEqual({ mode: 'native', reason: '--mode flag' })
    expect(runner.calls).toHaveLength(0)
  })

  it('stack.mode from the config is used when no flag is given', async () => {
    const fromConfig = loadConfig({ cwd: dir, env: { DIP_STACK_MODE: 'docker' } })
    const decision = await decideMode({
      requested: undefined,
      loaded: fromConfig,
      runner: noDocker(),
      purpose: 'up',
    })
    expect(decision).toEqual({ mode: 'docker', reason: 'stack.mode in the config' })
  })

  it('down/status/logs follow the mode recorded by the last up', async () => {
    await recordMode(loaded.stateDir, 'native')
    const runner = dockerAnswers()
    const decision = await decideMode({ requested: undefined, loaded, runner, purpose: 'existing' })
    expect(decision.mode).toBe('native')
    expect(runner.calls).toHaveLength(0)
  })
})
