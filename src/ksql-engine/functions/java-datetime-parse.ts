import { RecordError } from '../types/record-error.ts'
import { DAYS, MONTHS } from './java-datetime-print.ts'
import type { Token } from './java-datetime-pattern.ts'
import { zoneFromText, type TimeZone } from './time-zone.ts'

/**
 * Parsing side of the Java DateTimeFormatter support: case-insensitive like ksqlDB's parsers; fields
 * missing from the text default to 1970-01-01T00:00:00; an offset or zone in the text wins over the
 * zone argument. Failures throw RecordError.
 */
interface Parsed {
  year?: number
  month?: number
  day?: number
  dayOfYear?: number
  hour?: number
  hour12?: number
  pm?: boolean
  minute?: number
  second?: number
  nano?: number
  offsetMs?: number
  zone?: TimeZone
}

class ParseFailure extends Error {}

export function parseText(tokens: readonly Token[], text: string, zone: TimeZone, pattern: string): number {
  const parsed: Parsed = {}
  let end: number
  try {
    end = parseTokens(tokens, text, 0, parsed)
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error
    throw new RecordError(`Text '${text}' could not be parsed: ${error.message} (pattern '${pattern}')`)
  }
  if (end !== text.length) {
    throw new RecordError(`Text '${text}' could not be parsed, unparsed text found at index ${end}`)
  }
  let hour = parsed.hour ?? 0
  if (parsed.hour12 !== undefined) hour = (parsed.hour12 % 12) + (parsed.pm === true ? 12 : 0)
  else if (parsed.pm === true && hour < 12) hour += 12
  const year = parsed.year ?? 1970
  let month = parsed.month ?? 1
  let day = parsed.day ?? 1
  if (parsed.dayOfYear !== undefined && parsed.month === undefined) {
    const d = new Date(Date.UTC(year, 0, parsed.dayOfYear))
    month = d.getUTCMonth() + 1
    day = d.getUTCDate()
  }
  const local =
    Date.UTC(year, month - 1, day, hour, parsed.minute ?? 0, parsed.second ?? 0) +
    Math.floor((parsed.nano ?? 0) / 1_000_000)
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RecordError(`Text '${text}' could not be parsed: Invalid date`)
  }
  if (parsed.offsetMs !== undefined) return local - parsed.offsetMs
  return (parsed.zone ?? zone).toEpoch(local)
}

function parseTokens(tokens: readonly Token[], text: string, start: number, out: Parsed): number {
  let pos = start
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (t.kind === 'literal') {
      if (text.slice(pos, pos + t.text.length).toLowerCase() !== t.text.toLowerCase()) {
        throw new ParseFailure(`expected '${t.text}' at index ${pos}`)
      }
      pos += t.text.length
    } else if (t.kind === 'optional') {
      const copy: Parsed = { ...out }
      try {
        pos = parseTokens(t.tokens, text, pos, copy)
        Object.assign(out, copy)
      } catch (error) {
        if (!(error instanceof ParseFailure)) throw error
      }
    } else {
      const next = tokens[i + 1]
      const adjacentNumber = next?.kind === 'field' && isNumericLetter(next.letter)
      pos = parseField(t.letter, t.count, text, pos, out, adjacentNumber)
    }
  }
  return pos
}

const isNumericLetter = (letter: string): boolean => 'yuMLdDHkKhmsSn'.includes(letter)

function readDigits(
  text: string,
  pos: number,
  min: number,
  max: number,
): { value: number; end: number; digits: string } {
  let end = pos
  if (text[end] === '+' || text[end] === '-') end++
  const digitStart = end
  while (
    end < text.length &&
    end - digitStart < max &&
    text.charCodeAt(end) >= 48 &&
    text.charCodeAt(end) <= 57
  )
    end++
  if (end - digitStart < min) throw new ParseFailure(`expected a number at index ${pos}`)
  return { value: Number(text.slice(pos, end)), end, digits: text.slice(digitStart, end) }
}

function readName(text: string, pos: number, names: readonly string[]): { index: number; end: number } {
  const rest = text.slice(pos).toLowerCase()
  let best = -1
  let bestLength = 0
  for (let i = 0; i < names.length; i++) {
    const n = (names[i] as string).toLowerCase()
    if (rest.startsWith(n) && n.length > bestLength) {
      best = i
      bestLength = n.length
    }
  }
  if (best < 0) throw new ParseFailure(`expected a name at index ${pos}`)
  return { index: best, end: pos + bestLength }
}

const OFFSET_TEXT = /^([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?/

function readOffset(text: string, pos: number, allowZ: boolean): { offsetMs: number; end: number } {
  if (allowZ && (text[pos] === 'Z' || text[pos] === 'z')) return { offsetMs: 0, end: pos + 1 }
  const m = OFFSET_TEXT.exec(text.slice(pos))
  if (m === null) throw new ParseFailure(`expected a zone offset at index ${pos}`)
  const sign = m[1] === '-' ? -1 : 1
  const ms = sign * ((Number(m[2]) * 60 + Number(m[3] ?? '0')) * 60 + Number(m[4] ?? '0')) * 1000
  return { offsetMs: ms, end: pos + m[0].length }
}

function parseField(
  letter: string,
  count: number,
  text: string,
  pos: number,
  out: Parsed,
  adjacentNumber: boolean,
): number {
  const fixedWidth = adjacentNumber ? Math.max(count, letter === 'y' || letter === 'u' ? 4 : 2) : 19
  switch (letter) {
    case 'y':
    case 'u': {
      if (count === 2) {
        const r = readDigits(text, pos, 2, 2)
        out.year = 2000 + r.value
        return r.end
      }
      const r = readDigits(text, pos, count, adjacentNumber ? count : 10)
      out.year = r.value
      return r.end
    }
    case 'M':
    case 'L':
      if (count >= 3) {
        const names = count === 3 ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS
        const r = readName(text, pos, names)
        out.month = r.index + 1
        return r.end
      }
      return setNumber(out, 'month', readDigits(text, pos, count, count === 2 ? 2 : fixedWidth))
    case 'd':
      return setNumber(out, 'day', readDigits(text, pos, count, count === 2 ? 2 : fixedWidth))
    case 'D':
      return setNumber(out, 'dayOfYear', readDigits(text, pos, count, 3))
    case 'H':
    case 'k':
      return setNumber(out, 'hour', readDigits(text, pos, count, count === 2 ? 2 : fixedWidth))
    case 'h':
    case 'K':
      return setNumber(out, 'hour12', readDigits(text, pos, count, count === 2 ? 2 : fixedWidth))
    case 'm':
      return setNumber(out, 'minute', readDigits(text, pos, count, count === 2 ? 2 : fixedWidth))
    case 's':
      return setNumber(out, 'second', readDigits(text, pos, count, count === 2 ? 2 : fixedWidth))
    case 'S': {
      const r = readDigits(text, pos, 1, adjacentNumber ? count : 9)
      out.nano = Number(r.digits.padEnd(9, '0').slice(0, 9))
      return r.end
    }
    case 'n':
      return setNumber(out, 'nano', readDigits(text, pos, 1, 9))
    case 'a': {
      const r = readName(text, pos, ['AM', 'PM'])
      out.pm = r.index === 1
      return r.end
    }
    case 'E':
    case 'e': {
      const names = count >= 4 ? DAYS : DAYS.map((d) => d.slice(0, 3))
      return readName(text, pos, names).end
    }
    case 'G':
      return readName(text, pos, ['AD', 'BC']).end
    case 'X':
    case 'x':
    case 'Z': {
      if (letter === 'Z' && count === 4 && text.slice(pos, pos + 3).toUpperCase() === 'GMT') {
        if (!/[+-]/.test(text[pos + 3] ?? '')) {
          out.offsetMs = 0
          return pos + 3
        }
        const r = readOffset(text, pos + 3, false)
        out.offsetMs = r.offsetMs
        return r.end
      }
      const r = readOffset(text, pos, letter === 'X' || (letter === 'Z' && count === 5))
      out.offsetMs = r.offsetMs
      return r.end
    }
    case 'O': {
      if (text.slice(pos, pos + 3).toUpperCase() !== 'GMT')
        throw new ParseFailure(`expected GMT at index ${pos}`)
      if (!/[+-]/.test(text[pos + 3] ?? '')) {
        out.offsetMs = 0
        return pos + 3
      }
      const m = /^([+-])(\d{1,2})(?::(\d{2}))?/.exec(text.slice(pos + 3))
      if (m === null) throw new ParseFailure(`expected an offset at index ${pos + 3}`)
      out.offsetMs = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0')) * 60000
      return pos + 3 + m[0].length
    }
    case 'z':
    case 'V': {
      const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(text.slice(pos))
      if (m === null) throw new ParseFailure(`expected a time-zone at index ${pos}`)
      const zone = zoneFromText(m[0])
      if (zone === undefined) throw new ParseFailure(`unknown time-zone '${m[0]}' at index ${pos}`)
      out.zone = zone
      return pos + m[0].length
    }
    default:
      throw new ParseFailure(`Unknown pattern letter: ${letter}`)
  }
}

function setNumber(
  out: Parsed,
  key: 'month' | 'day' | 'dayOfYear' | 'hour' | 'hour12' | 'minute' | 'second' | 'nano',
  r: { value: number; end: number },
): number {
  out[key] = r.value
  return r.end
}
