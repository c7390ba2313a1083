/** One container as `docker compose ps --format json` reports it. */
export interface ComposeContainer {
  readonly name: string
  readonly service: string
  /** running, exited, restarting, created, paused, dead. */
  readonly state: string
  /** Human text such as "Up 2 minutes (healthy)". */
  readonly status: string
  /** healthy, unhealthy, starting, or '' without a healthcheck. */
  readonly health: string
}

/**
 * Compose v2 prints one JSON object per line (since 2.21) and a JSON array before; both are read.
 * Unknown fields are ignored so newer compose versions keep working.
 */
export function parseComposePs(stdout: string): ComposeContainer[] {
  const text = stdout.trim()
  if (text === '') return []
  const items: unknown[] = text.startsWith('[')
    ? (JSON.parse(text) as unknown[])
    : text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown)
  return items.map((item) => {
    const entry = item as Record<string, unknown>
    const text = (key: string) => (typeof entry[key] === 'string' ? entry[key] : '')
    return {
      name: text('Name'),
      service: text('Service'),
      state: text('State').toLowerCase(),
      status: text('Status'),
      health: text('Health').toLowerCase(),
    }
  })
}
