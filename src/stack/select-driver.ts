import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { StackMode } from '../config/config-schema.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import { assertNever } from '../shared/assert-never.ts'
import type { CommandRunner } from './command-runner.ts'
import { createDockerStack } from './docker/docker-stack.ts'
import { nativePaths } from './native/native-paths.ts'
import { createNativeStack } from './native/native-stack.ts'
import type { DriverMode, StackDriver } from './stack-driver.ts'

/**
 * Which stack a command talks to. `--mode` wins, then `stack.mode` from the config. In auto mode
 * `dip up` uses Docker when an engine answers and native processes otherwise; down/status/logs
 * follow the mode the last `dip up` recorded, so they find the stack that is actually running.
 */
export interface ModeDecision {
  readonly mode: DriverMode
  readonly reason: string
}

export async function dockerEngineAnswers(runner: CommandRunner): Promise<boolean> {
  const result = await runner.run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 })
  return result.exitCode === 0 && result.stdout.trim() !== ''
}

export async function decideMode(options: {
  readonly requested: StackMode | undefined
  readonly loaded: LoadedConfig
  readonly runner: CommandRunner
  /** up: probe Docker; down/status/logs: prefer the mode recorded by the last up. */
  readonly purpose: 'up' | 'existing'
}): Promise<ModeDecision> {
  const requested = options.requested ?? options.loaded.config.stack.mode
  switch (requested) {
    case 'native':
    case 'docker':
      return {
        mode: requested,
        reason: options.requested === undefined ? 'stack.mode in the config' : '--mode flag',
      }
    case 'auto': {
      if (options.purpose === 'existing') {
        const recorded = readRecordedMode(options.loaded.stateDir)
        if (recorded !== undefined) return { mode: recorded, reason: 'mode of the last `dip up`' }
      }
      return (await dockerEngineAnswers(options.runner))
        ? { mode: 'docker', reason: 'a Docker engine answers' }
        : { mode: 'native', reason: 'no Docker engine answers' }
    }
    default:
      return assertNever(requested, 'stack mode')
  }
}

export function createDriver(mode: DriverMode, loaded: LoadedConfig, runner: CommandRunner): StackDriver {
  switch (mode) {
    case 'native':
      return createNativeStack({ loaded, runner })
    case 'docker':
      return createDockerStack({ loaded, runner })
    default:
      return assertNever(mode, 'stack mode')
  }
}

export function readRecordedMode(stateDir: string): DriverMode | undefined {
  const file = nativePaths(stateDir).modeFile
  if (!existsSync(file)) return undefined
  const text = readFileSync(file, 'utf8').trim()
  return text === 'native' || text === 'docker' ? text : undefined
}

export async function recordMode(stateDir: string, mode: DriverMode): Promise<void> {
  const file = nativePaths(stateDir).modeFile
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, `${mode}\n`)
}
