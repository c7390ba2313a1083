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

/**
 * `node bin/dip.js <args>` for long runs (`dip lab`): the caller's args name the config, DIP_CACHE_DIR
 * is kept (where Kafka was provisioned, which `dip lab` checks), and the child gets `timeoutMs`.
 */
export async function runDipCli(
  args: readonly string[],
  options: { readonly timeoutMs: number },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_') || key === 'DIP_CACHE_DIR'),
  )
  const result = await execa('node', ['bin/dip.js', ...args], {
    cwd: repoRoot,
    env: { ...env, NO_COLOR: '1', CI: '1' },
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs,
    forceKillAfterDelay: false,
  })
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) }
}
