import { resolve } from 'node:path'
import { execa, type Options } from 'execa'
import { inject } from 'vitest'

export const repoRoot = resolve(import.meta.dirname, '../../..')
/** Everything DIP_* of the developer's shell is dropped, so a test sees only its own settings. */
export const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')),
)

/** Runs the built CLI (`node bin/dip.js --config <stack config> …`) as a child process. */
export function dip(args: readonly string[], env: Record<string, string> = {}, options: Options = {}) {
  return execa('node', ['bin/dip.js', '--config', inject('stack').configFile, ...args], {
    cwd: repoRoot,
    env: { ...cleanEnv, NO_COLOR: '1', ...env },
    extendEnv: false,
    reject: false,
    // A SIGTERM'd sink flushes and leaves its consumer group, which can take seconds on a busy
    // machine: never turn a polite stop into SIGKILL behind the test's back.
    forceKillAfterDelay: false,
    ...options,
  })
}
