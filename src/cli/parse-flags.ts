import { InvalidArgumentError } from 'commander'
import { TIME_UNITS } from '../shared/time-units.ts'

/** Flag parsers for commander: a bad value becomes a usage error (exit 2) that names the flag's rule. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0)
    throw new InvalidArgumentError('Expected a whole number greater than 0.')
  return Number(value)
}

export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Expected a whole number, 0 or more.')
  return Number(value)
}

export function port(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 65535)
    throw new InvalidArgumentError('Expected a port number from 1 to 65535.')
  return n
}

/** `90s`, `10m`, `1h`, `500ms` (a bare number is seconds) → milliseconds. */
export function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim())
  if (match === null) throw new InvalidArgumentError('Expected a duration such as 90s, 10m or 1h.')
  const ms = Number(match[1]) * (TIME_UNITS[match[2] ?? 's'] ?? 1000)
  if (ms <= 0) throw new InvalidArgumentError('Expected a duration greater than 0.')
  return ms
}

/** `500/s`, `500`, `30000/m` → records per second. */
export function ratePerSecond(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/(s|m|h))?$/.exec(value.trim())
  if (match === null || Number(match[1]) <= 0)
    throw new InvalidArgumentError('Expected a rate such as 500/s or 30000/m.')
  const per = { s: 1, m: 60, h: 3600 }[match[2] ?? 's'] ?? 1
  return Number(match[1]) / per
}

export function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value))
      throw new InvalidArgumentError(`Expected one of: ${allowed.join(', ')}.`)
    return value as T
  }
}

export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

/** `k=v` pairs collected from a repeatable flag. */
export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=')
  if (at <= 0) throw new InvalidArgumentError('Expected name=value.')
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1) }
}
