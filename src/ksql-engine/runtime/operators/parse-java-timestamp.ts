import { RecordError } from '../../types/record-error.ts'

/**
 * Parses text with a java.time DateTimeFormatter pattern subset (y M d H h m s S a, quoted literals,
 * X/Z offsets) into epoch ms, UTC unless the pattern carries an offset.
 */
export function parseJavaTimestamp(text: string, pattern: string): number {
  const regex = compilePattern(pattern)
  const match = regex.regex.exec(text)
  if (match === null) throw new RecordError(`Text '${text}' could not be parsed with pattern '${pattern}'`)
  const parts: Record<string, string> = {}
  regex.fields.forEach((f, i) => {
    parts[f] = match[i + 1] ?? ''
  })
  const year = Number(parts.y ?? '1970')
  const month = Number(parts.M ?? '1')
  const day = Number(parts.d ?? '1')
  let hour = Number(parts.H ?? parts.h ?? '0')
  if (parts.a !== undefined && parts.a.toUpperCase() === 'PM' && hour < 12) hour += 12
  if (parts.a !== undefined && parts.a.toUpperCase() === 'AM' && hour === 12) hour = 0
  const minute = Number(parts.m ?? '0')
  const second = Number(parts.s ?? '0')
  const fraction = parts.S ?? '0'
  const ms = Math.round(Number(`0.${fraction}`) * 1000)
  let epoch = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  const offset = parts.X ?? parts.Z
  if (offset !== undefined && offset !== '' && offset !== 'Z') {
    const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)
    if (m !== null) epoch -= (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0')) * 60_000
  }
  return epoch
}

const cache = new Map<string, { regex: RegExp; fields: string[] }>()

function compilePattern(pattern: string): { regex: RegExp; fields: string[] } {
  const cached = cache.get(pattern)
  if (cached !== undefined) return cached
  let source = ''
  const fields: string[] = []
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i] as string
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1)
      const literal = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end)
      source += literal === '' ? "'" : literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      i = end < 0 ? pattern.length : end + 1
      continue
    }
    let j = i
    while (j < pattern.length && pattern[j] === ch) j++
    const count = j - i
    if (/[yMdHhmsS]/.test(ch)) {
      fields.push(ch)
      source += ch === 'S' ? `(\\d{1,${Math.max(count, 9)}})` : ch === 'y' ? '(\\d{4})' : `(\\d{1,2})`
    } else if (ch === 'a') {
      fields.push('a')
      source += '([AaPp][Mm])'
    } else if (ch === 'X' || ch === 'Z' || ch === 'x') {
      fields.push(ch === 'x' ? 'X' : ch)
      source += '(Z|[+-]\\d{2}:?\\d{2}|[+-]\\d{2})'
    } else source += ch.repeat(count).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    i = j
  }
  const compiled = { regex: new RegExp(`^${source}$`), fields }
  cache.set(pattern, compiled)
  return compiled
}
