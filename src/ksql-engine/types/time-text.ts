import { RecordError } from './record-error.ts'

/**
 * ksqlDB's fixed text forms of TIMESTAMP / DATE / TIME values (SqlTimeTypes): what CAST(x AS
 * STRING) prints and what CAST('...' AS TIMESTAMP) accepts. All in UTC.
 */
export const MS_PER_DAY = 86_400_000

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n))

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0')
  return year < 0 ? `-${String(-year).padStart(4, '0')}` : `+${year}`
}

/** `2021-03-01T10:00:00.000` */
export function formatTimestampText(epochMs: number): string {
  const d = new Date(epochMs)
  return (
    `${formatYear(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}`
  )
}

/** `2021-03-01` */
export function formatDateText(epochDays: number): string {
  const d = new Date(epochDays * MS_PER_DAY)
  return `${formatYear(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`
}

/** `10:15:30`, or `10:15:30.250` when there are milliseconds (java.time.LocalTime#toString). */
export function formatTimeText(msOfDay: number): string {
  const h = Math.floor(msOfDay / 3_600_000)
  const m = Math.floor(msOfDay / 60_000) % 60
  const s = Math.floor(msOfDay / 1000) % 60
  const ms = msOfDay % 1000
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}${ms === 0 ? '' : `.${pad3(ms)}`}`
}

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/
const TIME_TEXT = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/

/** Accepts `yyyy-MM-dd['T'HH[:mm[:ss[.fff]]]][zone]`; a missing zone means UTC. */
export function parseTimestampText(text: string): number {
  const m = TIMESTAMP_TEXT.exec(text.trim())
  if (m === null)
    throw new RecordError(`Failed to parse timestamp '${text}': expected yyyy-MM-ddTHH:mm:ss.SSS`)
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const ms = Number(frac.padEnd(3, '0').slice(0, 3))
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms)
  return local - zoneOffsetMs(zone)
}

export function parseDateText(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim())
  if (m === null) throw new RecordError(`Failed to parse date '${text}': expected yyyy-MM-dd`)
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY)
}

export function parseTimeText(text: string): number {
  const m = TIME_TEXT.exec(text.trim())
  if (m === null) throw new RecordError(`Failed to parse time '${text}': expected HH:mm:ss`)
  const [, h, mi, s = '0', frac = ''] = m
  return ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000 + Number(frac.padEnd(3, '0').slice(0, 3))
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000
}
