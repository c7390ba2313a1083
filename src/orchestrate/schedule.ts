import { TIME_UNITS } from '../shared/time-units.ts'

/**
 * When the orchestrator runs: a fixed interval (`--every 10m`) or a small 5-field cron subset
 * (`--cron "*\/10 * * * *"`). Pure: every function takes the time as an argument, so tests drive a
 * fake clock. Cron fields are read in UTC, so a schedule means the same on every machine.
 */
export type Schedule =
  | { readonly kind: 'every'; readonly ms: number; readonly text: string }
  | { readonly kind: 'cron'; readonly fields: CronFields; readonly text: string }

export interface CronFields {
  readonly minutes: ReadonlySet<number>
  readonly hours: ReadonlySet<number>
  readonly days: ReadonlySet<number>
  readonly months: ReadonlySet<number>
  readonly weekdays: ReadonlySet<number>
}

/** `30s`, `10m`, `1h`, `1d` → an interval schedule; null when the text is not such a duration. */
export function parseEvery(text: string): Schedule | null {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim())
  if (match === null) return null
  const ms = Number(match[1]) * (TIME_UNITS[match[2] ?? 'm'] ?? 60_000)
  return ms > 0 ? { kind: 'every', ms, text: text.trim() } : null
}

const RANGES: readonly (readonly [string, number, number])[] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 6],
]

/**
 * Parses `m h dom mon dow` with `*`, `n`, `a-b`, `a,b`, `*\/n` and `a-b/n` in each field.
 * Throws an Error naming the field and the rule when the expression is outside that subset.
 */
export function parseCron(text: string): Schedule {
  const parts = text.trim().split(/\s+/)
  if (parts.length !== 5)
    throw new Error(`expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`)
  const sets = parts.map((part, index) => {
    const [name, min, max] = RANGES[index] ?? ['field', 0, 0]
    return parseField(part, name, min, max)
  })
  const [minutes, hours, days, months, weekdays] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ]
  // Sunday may be written 7 as in most crons.
  if (weekdays.has(7)) weekdays.add(0)
  return { kind: 'cron', fields: { minutes, hours, days, months, weekdays }, text: text.trim() }
}

function parseField(text: string, name: string, min: number, max: number): Set<number> {
  const values = new Set<number>()
  const top = name === 'day of week' ? 7 : max
  for (const item of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item)
    if (match === null) throw new Error(`${name}: "${item}" is not *, n, a-b, a,b or */n`)
    const from = match[1] === '*' ? min : Number(match[2])
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : from
    const step = match[4] !== undefined ? Number(match[4]) : 1
    // `5/15` means from 5 to the end in steps of 15.
    const end = match[4] !== undefined && match[1] !== '*' && match[3] === undefined ? max : to
    if (from < min || end > top || from > end) throw new Error(`${name}: "${item}" is outside ${min}-${top}`)
    if (step < 1) throw new Error(`${name}: step in "${item}" must be 1 or more`)
    for (let value = from; value <= end; value += step) values.add(value)
  }
  return values
}

const MINUTE = 60_000
/** A cron that never matches (e.g. 31 February) must not spin for ever: look a little over 4 years ahead. */
const CRON_HORIZON_MINUTES = 4 * 366 * 24 * 60 + 1

/**
 * The first due time strictly after `after` (epoch ms). An interval is anchored at `anchor` (the
 * orchestrator's start), so the cadence does not drift by the length of each cycle.
 */
export function nextDue(schedule: Schedule, after: number, anchor: number): number {
  switch (schedule.kind) {
    case 'every': {
      if (after < anchor) return anchor
      const periods = Math.floor((after - anchor) / schedule.ms) + 1
      return anchor + periods * schedule.ms
    }
    case 'cron': {
      let t = Math.floor(after / MINUTE) * MINUTE + MINUTE
      for (let i = 0; i < CRON_HORIZON_MINUTES; i++, t += MINUTE) {
        if (cronMatches(schedule.fields, new Date(t))) return t
      }
      throw new Error(`cron "${schedule.text}" never matches`)
    }
  }
}

function cronMatches(fields: CronFields, date: Date): boolean {
  if (!fields.minutes.has(date.getUTCMinutes()) || !fields.hours.has(date.getUTCHours())) return false
  if (!fields.months.has(date.getUTCMonth() + 1)) return false
  const dayAll = fields.days.size === 31
  const weekAll = fields.weekdays.size >= 7
  const dayOk = fields.days.has(date.getUTCDate())
  const weekOk = fields.weekdays.has(date.getUTCDay())
  // As in Vixie cron: when both day fields are restricted, either one matching is enough.
  if (!dayAll && !weekAll) return dayOk || weekOk
  return dayOk && weekOk
}
