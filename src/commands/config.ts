import { createContext, type GlobalOptions } from '../app/context.ts'
import { redactConfig } from '../config/redact.ts'
import { envKeys } from '../config/env-overrides.ts'

/** `dip config`: what dip will use, and where each value can be overridden. */
export async function showConfig(global: GlobalOptions): Promise<void> {
  const { loaded, reporter } = createContext(global)
  const config = redactConfig(loaded.config)
  reporter.result({ file: loaded.file ?? null, stateDir: loaded.stateDir, lakeRoot: loaded.lakeRoot, config })
  if (reporter.json) return
  reporter.info(`config file: ${loaded.file ?? '(none: defaults)'}`)
  const rows = envKeys().map(({ path, name }) => {
    let value: unknown = config
    for (const part of path) value = (value as Record<string, unknown>)[part]
    return [path.join('.'), JSON.stringify(value), name]
  })
  reporter.table(rows, { header: ['key', 'value', 'env override'] })
}
