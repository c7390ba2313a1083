import { RecordError } from '../types/record-error.ts'

/**
 * Time zones for the datetime functions: region IDs (America/Los_Angeles) through Intl, fixed
 * offsets (+01:00, GMT+1, UTC) directly. Java's short zone names (PST, BST, CET...) are mapped to the
 * region Java would pick when parsing.
 */
export interface TimeZone {
  readonly id: string
  /** Offset from UTC in ms at the given instant. */
  offsetAt(epochMs: number): number
  /** The instant whose local wall time in this zone is `localMs` (epoch-style ms of the wall clock). */
  toEpoch(localMs: number): number
  /** Java's `z` / `zzzz` text for the zone at an instant. */
  name(epochMs: number, style: 'short' | 'long'): string
}

const cache = new Map<string, TimeZone>()

export const UTC_ZONE: TimeZone = fixedZone('UTC', 0)

/** ZoneId.of semantics for the forms ksqlDB users write; throws RecordError for unknown IDs. */
export function resolveTimeZone(id: string): TimeZone {
  const cached = cache.get(id)
  if (cached !== undefined) return cached
  const zone = createZone(id)
  cache.set(id, zone)
  return zone
}

const OFFSET = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/

function createZone(id: string): TimeZone {
  if (id === 'Z' || id === 'UTC' || id === 'GMT' || id === 'UT')
    return id === 'UTC' ? UTC_ZONE : fixedZone(id, 0)
  const m = OFFSET.exec(id)
  if (m !== null) {
    const sign = m[1] === '-' ? -1 : 1
    const ms = sign * ((Number(m[2]) * 60 + Number(m[3] ?? '0')) * 60 + Number(m[4] ?? '0')) * 1000
    return fixedZone(id, ms)
  }
  const alias = SHORT_ZONE_IDS[id.toUpperCase()]
  if (alias !== undefined && alias !== id) return resolveTimeZone(alias)
  return regionZone(id)
}

function fixedZone(id: string, offsetMs: number): TimeZone {
  const text = offsetMs === 0 ? (id === 'Z' ? 'Z' : id) : formatOffsetId(offsetMs)
  return {
    id,
    offsetAt: () => offsetMs,
    toEpoch: (local) => local - offsetMs,
    name: () => text,
  }
}

function formatOffsetId(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+'
  const total = Math.abs(offsetMs) / 60000
  const h = Math.floor(total / 60)
  const min = total % 60
  return `${sign}${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`
}

function regionZone(id: string): TimeZone {
  let parts: Intl.DateTimeFormat
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    })
  } catch {
    throw new RecordError(`Unknown time-zone ID: ${id}`)
  }
  const names = new Map<string, Intl.DateTimeFormat>()
  const offsetAt = (epochMs: number): number => {
    const seconds = Math.floor(epochMs / 1000) * 1000
    const fields: Record<string, string> = {}
    for (const p of parts.formatToParts(seconds)) fields[p.type] = p.value
    let year = Number(fields.year)
    if (fields.era === 'BC' || fields.era === 'B') year = 1 - year
    const local = Date.UTC(
      year,
      Number(fields.month) - 1,
      Number(fields.day),
      Number(fields.hour),
      Number(fields.minute),
      Number(fields.second),
    )
    return local - seconds
  }
  const zoneName = (epochMs: number, style: 'short' | 'long', locale: string): string => {
    const key = `${locale}:${style}`
    let f = names.get(key)
    if (f === undefined) {
      f = new Intl.DateTimeFormat(locale, { timeZone: id, timeZoneName: style })
      names.set(key, f)
    }
    return f.formatToParts(epochMs).find((p) => p.type === 'timeZoneName')?.value ?? id
  }
  return {
    id,
    offsetAt,
    toEpoch(local) {
      // Two passes settle the offset except inside DST gaps, where Java also shifts forward.
      let guess = local - offsetAt(local)
      guess = local - offsetAt(guess)
      return guess
    },
    name(epochMs, style) {
      if (style === 'long') return zoneName(epochMs, style, 'en-US')
      const fixed = JAVA_SHORT_NAMES[id]
      if (fixed !== undefined) {
        const year = new Date(epochMs).getUTCFullYear()
        const standard = Math.min(offsetAt(Date.UTC(year, 0, 1)), offsetAt(Date.UTC(year, 6, 1)))
        return offsetAt(epochMs) > standard && fixed[1] !== undefined ? fixed[1] : fixed[0]
      }
      // Java's names come from CLDR like Intl's, but Intl only abbreviates a zone in the locale
      // where the abbreviation is common (CET in en-GB, AEST in en-AU, IST in en-IN).
      let fallback: string | undefined
      for (const locale of NAME_LOCALES) {
        const text = zoneName(epochMs, style, locale)
        if (!text.startsWith('GMT') || text === 'GMT') return text
        fallback ??= text
      }
      return fallback ?? id
    },
  }
}

const NAME_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN']

/** Java's short names for zones no English locale of Intl abbreviates: [standard, daylight]. */
const JAVA_SHORT_NAMES: Readonly<Record<string, readonly [string, string?]>> = {
  'Asia/Tokyo': ['JST'],
  'Asia/Shanghai': ['CST'],
  'Asia/Hong_Kong': ['HKT'],
  'Asia/Singapore': ['SGT'],
  'Asia/Seoul': ['KST'],
  'Europe/Moscow': ['MSK'],
  'America/Sao_Paulo': ['BRT', 'BRST'],
}

/** Java's ZoneId.SHORT_IDS plus the daylight names its parser accepts. */
const SHORT_ZONE_IDS: Record<string, string> = {
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
  BST: 'Europe/London',
  GMT: 'GMT',
  WET: 'Europe/Lisbon',
  WEST: 'Europe/Lisbon',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
  EET: 'Europe/Athens',
  EEST: 'Europe/Athens',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
}

/** Zone text as written in input data (`PST`, `UTC`, `Europe/London`) → zone, or undefined. */
export function zoneFromText(text: string): TimeZone | undefined {
  const upper = text.toUpperCase()
  if (upper === 'UTC' || upper === 'Z' || upper === 'GMT' || upper === 'UT') return UTC_ZONE
  const alias = SHORT_ZONE_IDS[upper]
  try {
    return resolveTimeZone(alias ?? text)
  } catch {
    return undefined
  }
}
