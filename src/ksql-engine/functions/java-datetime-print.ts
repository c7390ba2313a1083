import type { TimeZone } from './time-zone.ts'
import type { Token } from './java-datetime-pattern.ts'

/** Formatting side of the Java DateTimeFormatter support: epoch ms + zone → text. */
interface Fields {
  readonly year: number
  readonly month: number // 1-12
  readonly day: number
  readonly dayOfYear: number
  readonly dayOfWeek: number // 1 = Monday … 7 = Sunday
  readonly hour: number
  readonly minute: number
  readonly second: number
  readonly milli: number
  readonly offsetMs: number
  readonly epochMs: number
}

export function fieldsOf(epochMs: number, zone: TimeZone): Fields {
  const offsetMs = zone.offsetAt(epochMs)
  const d = new Date(epochMs + offsetMs)
  const year = d.getUTCFullYear()
  const startOfYear = Date.UTC(year, 0, 1)
  const startOfDay = Date.UTC(year, d.getUTCMonth(), d.getUTCDate())
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    dayOfYear: Math.round((startOfDay - startOfYear) / 86_400_000) + 1,
    dayOfWeek: ((d.getUTCDay() + 6) % 7) + 1,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    milli: d.getUTCMilliseconds(),
    offsetMs,
    epochMs,
  }
}

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, '0')
  return n < 0 ? `-${s}` : s
}

function formatOffset(
  offsetMs: number,
  colon: boolean,
  withMinutes: 'always' | 'ifNonZero',
  zeroText: string,
): string {
  if (offsetMs === 0 && zeroText !== '') return zeroText
  const sign = offsetMs < 0 ? '-' : '+'
  const total = Math.round(Math.abs(offsetMs) / 60000)
  const h = pad(Math.floor(total / 60), 2)
  const m = total % 60
  if (withMinutes === 'ifNonZero' && m === 0) return `${sign}${h}`
  return `${sign}${h}${colon ? ':' : ''}${pad(m, 2)}`
}

function formatField(letter: string, count: number, f: Fields, zone: TimeZone): string {
  switch (letter) {
    case 'G':
      return f.year > 0 ? 'AD' : 'BC'
    case 'y':
    case 'u': {
      const year = letter === 'y' && f.year <= 0 ? 1 - f.year : f.year
      if (count === 2) return pad(((year % 100) + 100) % 100, 2)
      return pad(year, count)
    }
    case 'M':
    case 'L':
      if (count >= 4) return MONTHS[f.month - 1] as string
      if (count === 3) return (MONTHS[f.month - 1] as string).slice(0, 3)
      return pad(f.month, count)
    case 'd':
      return pad(f.day, count)
    case 'D':
      return pad(f.dayOfYear, count)
    case 'E':
    case 'e':
      return count >= 4 ? (DAYS[f.dayOfWeek - 1] as string) : (DAYS[f.dayOfWeek - 1] as string).slice(0, 3)
    case 'a':
      return f.hour < 12 ? 'AM' : 'PM'
    case 'H':
      return pad(f.hour, count)
    case 'k':
      return pad(f.hour === 0 ? 24 : f.hour, count)
    case 'K':
      return pad(f.hour % 12, count)
    case 'h':
      return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count)
    case 'm':
      return pad(f.minute, count)
    case 's':
      return pad(f.second, count)
    case 'S':
      return pad(f.milli, 3).padEnd(9, '0').slice(0, count)
    case 'n':
      return String(f.milli * 1_000_000)
    case 'z':
      return zone.name(f.epochMs, count >= 4 ? 'long' : 'short')
    case 'V':
      return zone.id
    case 'O':
      return f.offsetMs === 0
        ? 'GMT'
        : `GMT${formatOffset(f.offsetMs, true, count >= 4 ? 'always' : 'ifNonZero', '').replace(/^([+-])0(\d)/, '$1$2')}`
    case 'Z':
      if (count >= 5) return formatOffset(f.offsetMs, true, 'always', 'Z')
      if (count === 4) return f.offsetMs === 0 ? 'GMT' : `GMT${formatOffset(f.offsetMs, true, 'always', '')}`
      return formatOffset(f.offsetMs, false, 'always', '')
    case 'X':
    case 'x': {
      const zero = letter === 'X' ? 'Z' : ''
      if (count === 1) return formatOffset(f.offsetMs, false, 'ifNonZero', zero)
      return formatOffset(f.offsetMs, count % 2 === 1, 'always', zero)
    }
    default:
      throw new Error(`Unknown pattern letter: ${letter}`)
  }
}

export function formatTokens(tokens: readonly Token[], f: Fields, zone: TimeZone): string {
  let out = ''
  for (const t of tokens) {
    if (t.kind === 'literal') out += t.text
    else if (t.kind === 'optional') out += formatTokens(t.tokens, f, zone)
    else out += formatField(t.letter, t.count, f, zone)
  }
  return out
}
