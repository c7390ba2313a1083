import { configSchema } from './config-schema.ts'

/**
 * DIP_<SECTION>_<KEY> overrides a config key: mysql.password ← DIP_MYSQL_PASSWORD,
 * kafka.brokers ← DIP_KAFKA_BROKERS (comma-separated), stateDir ← DIP_STATE_DIR.
 * Values are converted to the type of the key's default; a value that cannot be converted is
 * reported in `problems`, like any other config error.
 */
export function applyEnvOverrides(
  fromFile: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): Record<string, unknown> {
  const result = structuredClone(fromFile) as Record<string, unknown>
  for (const { path, name, sample } of envKeys()) {
    const raw = env[name]
    if (raw === undefined) continue
    const converted = convert(raw, sample)
    if (converted.ok) setAt(result, path, converted.value)
    else
      problems.push(
        `${name}: got ${path.includes('password') ? '****' : JSON.stringify(raw)}; expected ${converted.expected}`,
      )
  }
  return result
}

export interface EnvKey {
  readonly path: readonly string[]
  readonly name: string
  readonly sample: unknown
}

/** Every overridable key with its variable name, derived from the schema's defaults. */
export function envKeys(): EnvKey[] {
  const keys: EnvKey[] = []
  const walk = (node: unknown, path: string[]) => {
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key])
      return
    }
    keys.push({ path, name: `DIP_${path.map(toSnake).join('_')}`, sample: node })
  }
  walk(configSchema.parse({}), [])
  return keys
}

function toSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

type Converted = { ok: true; value: unknown } | { ok: false; expected: string }

function convert(raw: string, sample: unknown): Converted {
  if (typeof sample === 'number') {
    const value = Number(raw)
    return raw.trim() !== '' && Number.isFinite(value)
      ? { ok: true, value }
      : { ok: false, expected: 'a number' }
  }
  if (typeof sample === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return { ok: true, value: true }
    if (/^(false|0|no)$/i.test(raw)) return { ok: true, value: false }
    return { ok: false, expected: 'true or false' }
  }
  if (Array.isArray(sample)) {
    if (raw.trim().startsWith('[')) {
      try {
        return { ok: true, value: JSON.parse(raw) as unknown }
      } catch {
        return { ok: false, expected: 'a JSON array or a comma-separated list' }
      }
    }
    return {
      ok: true,
      value: raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    }
  }
  return { ok: true, value: raw }
}

function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root
  for (const part of path.slice(0, -1)) {
    const next = node[part]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[path[path.length - 1] ?? ''] = value
}
