import { rm } from 'node:fs/promises'
import { createContext, type GlobalOptions } from '../app/context.ts'
import type { StackMode } from '../config/config-schema.ts'
import { createExecaRunner } from '../stack/command-runner.ts'
import { nativePaths } from '../stack/native/native-paths.ts'
import { createDriver, decideMode } from '../stack/select-driver.ts'
import type { DownResult } from '../stack/stack-driver.ts'

export interface DownOptions extends GlobalOptions {
  readonly mode?: StackMode
  readonly purge?: boolean
  /** Overrides stack.stopTimeoutSeconds: SIGTERM → SIGKILL grace period. */
  readonly timeoutMs?: number
}

/** `dip down`: stop the stack gracefully; `--purge` also deletes its data. */
export async function down(options: DownOptions): Promise<DownResult> {
  const { loaded, reporter } = createContext(options)
  const runner = createExecaRunner()
  const decision = await decideMode({ requested: options.mode, loaded, runner, purpose: 'existing' })
  const driver = createDriver(decision.mode, loaded, runner)
  const purge = options.purge ?? false
  const spinner = reporter.spinner(`stopping the ${decision.mode} stack`)
  let result: DownResult
  try {
    result = await driver.down({
      purge,
      timeoutMs: options.timeoutMs ?? loaded.config.stack.stopTimeoutSeconds * 1000,
      onProgress: (event) => {
        if (event.kind === 'stopping') spinner.update(`stopping ${event.service}`)
      },
    })
  } catch (error) {
    spinner.fail('stopping failed')
    throw error
  }
  if (purge) await rm(nativePaths(loaded.stateDir).modeFile, { force: true })
  const what = result.stopped.length === 0 ? 'nothing was running' : `stopped ${result.stopped.join(', ')}`
  spinner.succeed(`${what}${purge ? '; state deleted' : ''}`)
  for (const service of result.forced)
    reporter.warn(`${service} did not stop within the grace period and was killed (SIGKILL)`)
  reporter.result({ mode: decision.mode, ...result })
  return result
}
