import { isUtf8 } from 'node:buffer'

/**
 * A single pass over a record value's bytes that proves it is one JSON object a lake row can be
 * spliced from, without building it: JSON.parse of every value (to dead-letter the malformed ones)
 * was the sink's largest cost, and it allocates a whole object tree only to drop it.
 *
 * The scan accepts exactly what JSON.parse accepts of the UTF-8 text (RFC 8259 grammar, any nesting),
 * and additionally requires: a top-level object, no line break between tokens (it would split the
 * JSON Lines row), valid UTF-8 (JSON.parse would see U+FFFD instead), and none of the `reserved`
 * names as a top-level key (written without escapes; a key with an escape is not proven). Whatever
 * it does not prove returns null, and the caller takes the parsing path, which decides and words
 * the error: null never means "invalid", only "not proven here".
 */
export interface ObjectSpan {
  /** First byte of the object's members (after `{` and whitespace). */
  readonly innerStart: number
  /** End (exclusive) of the members, before whitespace and `}`; equals innerStart for `{}`. */
  readonly innerEnd: number
}

export function scanJsonObject(bytes: Uint8Array, reserved: readonly Uint8Array[]): ObjectSpan | null {
  // One flat loop with an explicit container stack: a call per token cost more than the bytes.
  const end = bytes.length
  nonAscii = false
  let pos = skipSpaces(bytes, 0)
  if (bytes[pos] !== OPEN_BRACE) return null
  pos = skipSpaces(bytes, pos + 1)
  const innerStart = pos
  let innerEnd = pos
  /** End of the last complete value (before the spaces after it). */
  let valueEnd = pos
  let depth = 1
  containers[0] = OBJECT
  let expect = KEY_OR_CLOSE
  for (;;) {
    if (pos >= end) return null
    const c = bytes[pos] as number
    switch (expect) {
      case KEY_OR_CLOSE:
      case KEY: {
        if (c === CLOSE_BRACE && expect === KEY_OR_CLOSE) {
          pos++
          if (--depth === 0) return whole(bytes, pos, innerStart, innerStart)
          valueEnd = pos
          expect = AFTER_VALUE
          break
        }
        if (c !== QUOTE) return null
        const from = pos + 1
        pos = skipString(bytes, pos)
        if (pos < 0) return null
        if (depth === 1 && (escaped || isReservedName(bytes, from, pos - 1, reserved))) return null
        pos = skipSpaces(bytes, pos)
        if (bytes[pos] !== COLON) return null
        pos++
        expect = VALUE
        break
      }
      case VALUE:
      case VALUE_OR_CLOSE: {
        if (c === CLOSE_BRACKET && expect === VALUE_OR_CLOSE) {
          pos++
          depth--
          valueEnd = pos
          expect = AFTER_VALUE
          break
        }
        if (c === QUOTE) pos = skipString(bytes, pos)
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          // Deeper than any record: leave it to JSON.parse.
          if (depth >= MAX_DEPTH) return null
          containers[depth++] = c === OPEN_BRACE ? OBJECT : ARRAY
          pos++
          expect = c === OPEN_BRACE ? KEY_OR_CLOSE : VALUE_OR_CLOSE
          break
        } else if (c === MINUS || (c >= ZERO && c <= NINE)) pos = skipNumber(bytes, pos)
        else if (c === 0x74) pos = skipWord(bytes, pos, TRUE)
        else if (c === 0x66) pos = skipWord(bytes, pos, FALSE)
        else if (c === 0x6e) pos = skipWord(bytes, pos, NULL)
        else return null
        if (pos < 0) return null
        valueEnd = pos
        expect = AFTER_VALUE
        break
      }
      case AFTER_VALUE: {
        if (depth === 1) innerEnd = valueEnd
        const container = containers[depth - 1]
        if (c === COMMA) {
          pos++
          expect = container === OBJECT ? KEY : VALUE
        } else if (c === (container === OBJECT ? CLOSE_BRACE : CLOSE_BRACKET)) {
          pos++
          if (--depth === 0) return whole(bytes, pos, innerStart, innerEnd)
          valueEnd = pos
        } else return null
        break
      }
    }
    pos = skipSpaces(bytes, pos)
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39
const KEY_OR_CLOSE = 0
const KEY = 1
const VALUE = 2
const VALUE_OR_CLOSE = 3
const AFTER_VALUE = 4
const OBJECT = 1
const ARRAY = 2
const MAX_DEPTH = 256
/** Kind of each open container; the scan is synchronous, so one stack serves every call. */
const containers = new Uint8Array(MAX_DEPTH)
/** Whether the string skipString last skipped had an escape sequence. */
let escaped = false
/** Whether a string of the value being scanned had a byte ≥ 0x80. */
let nonAscii = false

/**
 * The span, once the object closed at `pos`: only spaces may follow it, and its bytes must be UTF-8
 * as a decoder keeps them (no overlong forms, surrogates or code points above U+10FFFF).
 */
function whole(bytes: Uint8Array, pos: number, innerStart: number, innerEnd: number): ObjectSpan | null {
  if (skipSpaces(bytes, pos) !== bytes.length) return null
  return nonAscii && !isUtf8(bytes) ? null : { innerStart, innerEnd }
}

const TRUE = Buffer.from('true')
const FALSE = Buffer.from('false')
const NULL = Buffer.from('null')

/** Skips spaces and tabs. A line break stops it like any other byte, and no token starts with one. */
function skipSpaces(bytes: Uint8Array, from: number): number {
  // Reads stay inside the array: one read past its end makes V8 take a slower path for every read.
  const end = bytes.length
  let pos = from
  while (pos < end) {
    const c = bytes[pos]
    if (c !== 0x20 && c !== 0x09) return pos
    pos++
  }
  return pos
}

/** The position after the string literal at `from`, or -1: no raw control character, valid escapes and UTF-8. */
function skipString(bytes: Uint8Array, from: number): number {
  const end = bytes.length
  let pos = from + 1
  escaped = false
  for (;;) {
    if (pos >= end) return -1
    const c = bytes[pos] as number
    if (c < 0x20) return -1
    if (c === QUOTE) return pos + 1
    if (c === BACKSLASH) {
      escaped = true
      const e = bytes[pos + 1]
      if (e === 0x75) {
        for (let i = 2; i < 6; i++) if (!isHex(bytes[pos + i])) return -1
        pos += 6
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      )
        pos += 2
      else return -1
    } else {
      // Bytes ≥ 0x80 occur only inside strings; whole() checks them as UTF-8 once, natively.
      if (c >= 0x80) nonAscii = true
      pos++
    }
  }
}

/** `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`: the position after it, or -1. */
function skipNumber(bytes: Uint8Array, from: number): number {
  let pos = from
  if (bytes[pos] === MINUS) pos++
  if (bytes[pos] === ZERO) pos++
  else {
    const start = pos
    pos = digits(bytes, pos)
    if (pos === start) return -1
  }
  if (bytes[pos] === DOT) {
    const start = ++pos
    pos = digits(bytes, pos)
    if (pos === start) return -1
  }
  if (bytes[pos] === 0x65 || bytes[pos] === 0x45) {
    pos++
    if (bytes[pos] === PLUS || bytes[pos] === MINUS) pos++
    const start = pos
    pos = digits(bytes, pos)
    if (pos === start) return -1
  }
  return pos
}

function skipWord(bytes: Uint8Array, from: number, word: Uint8Array): number {
  for (let i = 0; i < word.length; i++) if (bytes[from + i] !== word[i]) return -1
  return from + word.length
}

/** Whether bytes[from, to) (a key's text between its quotes) is one of the reserved names. */
function isReservedName(
  bytes: Uint8Array,
  from: number,
  to: number,
  reserved: readonly Uint8Array[],
): boolean {
  for (const name of reserved) {
    if (name.length !== to - from || name[0] !== bytes[from]) continue
    let same = true
    for (let i = 1; i < name.length && same; i++) same = bytes[from + i] === name[i]
    if (same) return true
  }
  return false
}

function digits(bytes: Uint8Array, from: number): number {
  const end = bytes.length
  let pos = from
  while (pos < end) {
    const c = bytes[pos] as number
    if (c < ZERO || c > NINE) return pos
    pos++
  }
  return pos
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
}
