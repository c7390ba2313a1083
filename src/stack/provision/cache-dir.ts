import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** The file a completed provisioning writes into its runtime's home; without it the runtime is not trusted. */
export const PROVISION_MARKER = '.dip-complete.json'

/** Where downloaded runtimes live: DIP_CACHE_DIR, else $XDG_CACHE_HOME/dip, else ~/.cache/dip. */
export function cacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const explicit = env['DIP_CACHE_DIR']
  if (explicit !== undefined && explicit !== '') return resolve(explicit)
  const xdg = env['XDG_CACHE_HOME']
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'dip')
}

export function kafkaHomeFor(
  version: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return join(cacheDir(env), `kafka-${version}`)
}
