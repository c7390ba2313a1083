const SECRET_KEY = /password|secret|token/i

/** Secrets are never printed: not in errors, not in `dip config`, not in --json. */
export function redactValue(key: string, value: unknown): string {
  if (SECRET_KEY.test(key)) return value === undefined || value === '' ? '(empty)' : '****'
  return value === undefined ? '(missing)' : JSON.stringify(value)
}

export function redactConfig<T>(value: T, key = ''): T {
  if (Array.isArray(value)) return value.map((item) => redactConfig(item, key)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfig(v, k)])) as T
  }
  return (SECRET_KEY.test(key) && typeof value === 'string' ? '****' : value) as T
}
