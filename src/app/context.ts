import { loadConfig, type LoadedConfig } from '../config/load-config.ts'
import { createReporter, type Reporter } from './reporter.ts'

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  readonly config?: string
  readonly json?: boolean
}

export interface CommandContext {
  readonly loaded: LoadedConfig
  readonly reporter: Reporter
}

/** Loads the config (file → env → flag overrides) and builds the reporter for one command run. */
export function createContext(
  global: GlobalOptions,
  overrides: Record<string, unknown> = {},
): CommandContext {
  const reporter = createReporter({ json: global.json ?? false })
  const loaded = loadConfig({ ...(global.config === undefined ? {} : { file: global.config }), overrides })
  for (const warning of loaded.warnings) reporter.warn(warning)
  return { loaded, reporter }
}
