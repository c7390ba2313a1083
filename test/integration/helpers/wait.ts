import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `check` until it holds; throws naming `what` once `timeoutMs` has passed. A safety stop
 * against a hang, not a timing check: the poll interval only decides how soon a change is seen.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000)
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(options.pollMs ?? 20)
  }
}
