import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { DipError, errorMessage } from '../shared/errors.ts'
import { configSchema, type DipConfig } from './config-schema.ts'
import { applyEnvOverrides, envKeys } from './env-overrides.ts'
import { redactValue } from './redact.ts'

export const CONFIG_FILE_NAMES = ['dip.config.yaml', 'dip.config.yml', 'dip.config.json'] as const

export interface LoadConfigOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  /** An explicit file (--config); otherwise DIP_CONFIG, then dip.config.* in cwd. */
  readonly file?: string
  /** Values from command-line flags: they win over env and file. */
  readonly overrides?: Readonly<Record<string, unknown>>
}

export interface LoadedConfig {
  readonly config: DipConfig
  /** The file read, if any. */
  readonly file: string | undefined
  /** Directory relative paths (lake root, state dir) are resolved against. */
  readonly baseDir: string
  readonly stateDir: string
  readonly lakeRoot: string
  /** Bad values in the file that a DIP_* variable or a flag hides: reported, not fatal. */
  readonly warnings: readonly string[]
}

/** file → env → flags, validated once, with every problem listed in one error. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd()
  const env = options.env ?? process.env
  const file = findConfigFile(cwd, options.file ?? env['DIP_CONFIG'])
  const fromFile = file === undefined ? {} : readConfigFile(file)
  const problems: string[] = []
  const merged = applyEnvOverrides(fromFile, env, problems)
  deepMerge(merged, options.overrides ?? {})
  const parsed = configSchema.safeParse(merged)
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, merged)))
  if (problems.length > 0 || !parsed.success) {
    const source = file === undefined ? 'defaults and DIP_* environment' : file
    throw new DipError('DIP_CONFIG', `Invalid configuration (${source}):\n  - ${problems.join('\n  - ')}`, {
      hint: 'Fix the keys above in the config file or the DIP_* variables; `dip config` prints the effective values.',
      details: { problems },
    })
  }
  const config = parsed.data
  const baseDir = file === undefined ? cwd : dirname(file)
  const within = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path))
  const warnings = file === undefined ? [] : hiddenFileProblems(file, fromFile, env)
  return {
    config,
    file,
    baseDir,
    stateDir: within(config.stateDir),
    lakeRoot: within(config.lake.root),
    warnings,
  }
}

/**
 * The file checked on its own: a bad value there that an override replaced is harmless today but
 * breaks the day the variable is unset, so it is named with the variable that hides it.
 */
function hiddenFileProblems(
  file: string,
  fromFile: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const alone = configSchema.safeParse(fromFile)
  if (alone.success) return []
  const overriders = envKeys().filter((key) => env[key.name] !== undefined)
  return alone.error.issues.map((issue) => {
    const by = overriders.find((key) => {
      const shorter = Math.min(key.path.length, issue.path.length)
      return key.path.slice(0, shorter).every((part, i) => issue.path[i] === part)
    })
    const hiddenBy = by === undefined ? 'a command-line flag' : by.name
    return `${file}: ${describeIssue(issue, fromFile)} (not used: ${hiddenBy} overrides it; fix the file before removing the override)`
  })
}

function findConfigFile(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(cwd, explicit)
    if (!existsSync(path)) {
      throw new DipError('DIP_CONFIG', `Config file ${path} does not exist.`, {
        hint: 'Pass an existing file to --config (or DIP_CONFIG), or remove it to use dip.config.yaml.',
      })
    }
    return path
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name)
    if (existsSync(path)) return path
  }
  return undefined
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    // A folder, a file without read permission: the user's config input is wrong, like bad YAML.
    throw new DipError('DIP_CONFIG', `Config file ${path} cannot be read: ${errorMessage(error)}`, {
      hint: 'Pass a readable YAML or JSON file to --config (or DIP_CONFIG).',
      cause: error,
    })
  }
  let data: unknown
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new DipError(
      'DIP_CONFIG',
      `Config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${String((error as Error).message)}`,
      {
        hint: 'Fix the syntax at the position above.',
        cause: error,
      },
    )
  }
  if (data == null) return {}
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new DipError(
      'DIP_CONFIG',
      `Config file ${path} must hold a mapping of keys, not ${Array.isArray(data) ? 'a list' : typeof data}.`,
    )
  }
  return data as Record<string, unknown>
}

function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const key = issue.path.map(String).join('.') || '(root)'
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length > 0 ? `${key}.` : ''
    return issue.keys.map((k) => `${prefix}${k}: unknown key`).join('\n  - ')
  }
  const value = redactValue(key, valueAt(input, issue.path))
  return `${key}: got ${value}; expected ${expectation(issue)}`
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'too_small':
      return `at least ${String(issue.minimum)}`
    case 'too_big':
      return `at most ${String(issue.maximum)}`
    default:
      return issue.message
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root
  for (const part of path) {
    if (node == null || typeof node !== 'object') return undefined
    node = (node as Record<PropertyKey, unknown>)[part]
  }
  return node
}

function deepMerge(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue
    const existing = target[key]
    if (isPlainObject(value) && isPlainObject(existing)) deepMerge(existing, value)
    else target[key] = value
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
