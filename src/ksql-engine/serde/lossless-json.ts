import { RecordError } from '../types/record-error.ts'

/**
 * JSON parsing that keeps the exact text of numbers a double cannot hold (more than 15 significant
 * digits), so DECIMAL(33, 16) values survive the trip through JSON as in ksqlDB (Jackson reads them
 * as BigDecimal). Such numbers come back as `JsonNumber`; every other value is what JSON.parse gives.
 * Used by the JSON serde only for schemas that contain a DECIMAL, since JSON.parse is faster.
 */
export class JsonNumber {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  valueOf(): number {
    return Number(this.text)
  }
  toJSON(): number {
    return Number(this.text)
  }
}

export function isJsonNumber(value: unknown): value is JsonNumber {
  return value instanceof JsonNumber
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const MAX_EXACT_DIGITS = 15

export function parseJsonLossless(text: string): unknown {
  const state = { text, pos: 0 }
  skipSpace(state)
  const value = parseValue(state)
  skipSpace(state)
  if (state.pos !== text.length) fail(state, 'Unexpected trailing characters')
  return value
}

interface State {
  readonly text: string
  pos: number
}

function fail(state: State, message: string): never {
  throw new RecordError(`Failed to deserialize JSON: ${message} at position ${state.pos}`)
}

function skipSpace(state: State): void {
  const t = state.text
  let p = state.pos
  while (p < t.length) {
    const c = t.charCodeAt(p)
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    p++
  }
  state.pos = p
}

function parseValue(state: State): unknown {
  const t = state.text
  const c = t[state.pos]
  switch (c) {
    case '{': {
      state.pos++
      const out: Record<string, unknown> = {}
      skipSpace(state)
      if (t[state.pos] === '}') {
        state.pos++
        return out
      }
      for (;;) {
        skipSpace(state)
        if (t[state.pos] !== '"') fail(state, 'Expected a field name')
        const key = parseString(state)
        skipSpace(state)
        if (t[state.pos] !== ':') fail(state, "Expected ':'")
        state.pos++
        skipSpace(state)
        out[key] = parseValue(state)
        skipSpace(state)
        if (t[state.pos] === ',') {
          state.pos++
          continue
        }
        if (t[state.pos] === '}') {
          state.pos++
          return out
        }
        fail(state, "Expected ',' or '}'")
      }
    }
    case '[': {
      state.pos++
      const out: unknown[] = []
      skipSpace(state)
      if (t[state.pos] === ']') {
        state.pos++
        return out
      }
      for (;;) {
        skipSpace(state)
        out.push(parseValue(state))
        skipSpace(state)
        if (t[state.pos] === ',') {
          state.pos++
          continue
        }
        if (t[state.pos] === ']') {
          state.pos++
          return out
        }
        fail(state, "Expected ',' or ']'")
      }
    }
    case '"':
      return parseString(state)
    default:
      break
  }
  if (t.startsWith('true', state.pos)) return literal(state, 4, true)
  if (t.startsWith('false', state.pos)) return literal(state, 5, false)
  if (t.startsWith('null', state.pos)) return literal(state, 4, null)
  NUMBER.lastIndex = state.pos
  const m = NUMBER.exec(t)
  if (m === null) fail(state, 'Unexpected character')
  state.pos += m[0].length
  return significantDigits(m[0]) > MAX_EXACT_DIGITS ? new JsonNumber(m[0]) : Number(m[0])
}

function literal<T>(state: State, length: number, value: T): T {
  state.pos += length
  return value
}

function parseString(state: State): string {
  const t = state.text
  const start = state.pos
  let p = start + 1
  let escaped = false
  for (;;) {
    const c = t.charCodeAt(p)
    if (Number.isNaN(c)) fail(state, 'Unterminated string')
    if (c === 0x5c) {
      escaped = true
      p += 2
      continue
    }
    if (c === 0x22) break
    p++
  }
  state.pos = p + 1
  return escaped ? (JSON.parse(t.slice(start, p + 1)) as string) : t.slice(start + 1, p)
}

function significantDigits(number: string): number {
  const e = number.search(/[eE]/)
  const mantissa = (e < 0 ? number : number.slice(0, e)).replace('-', '').replace('.', '')
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length
}
