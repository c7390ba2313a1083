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
  const scan = new Scanner(bytes, reserved)
  return scan.object()
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

/** `true`, `false`, `null` as bytes. */
const LITERALS: Readonly<Record<number, Uint8Array>> = {
  0x74: Buffer.from('true'),
  0x66: Buffer.from('false'),
  0x6e: Buffer.from('null'),
}

class Scanner {
  private pos = 0
  /** Whether the last string scanned had an escape sequence. */
  private escaped = false
  private readonly bytes: Uint8Array
  private readonly reserved: readonly Uint8Array[]

  constructor(bytes: Uint8Array, reserved: readonly Uint8Array[]) {
    this.bytes = bytes
    this.reserved = reserved
  }

  object(): ObjectSpan | null {
    if (!this.skipSpace() || this.bytes[this.pos] !== OPEN_BRACE) return null
    this.pos++
    if (!this.skipSpace()) return null
    const innerStart = this.pos
    let innerEnd = innerStart
    if (this.bytes[this.pos] === CLOSE_BRACE) this.pos++
    else {
      for (;;) {
        const keyStart = this.pos
        if (!this.string()) return null
        if (this.isReserved(keyStart + 1, this.pos - 1)) return null
        if (!this.skipSpace() || this.bytes[this.pos] !== COLON) return null
        this.pos++
        if (!this.skipSpace() || !this.value(0)) return null
        innerEnd = this.pos
        if (!this.skipSpace()) return null
        const next = this.bytes[this.pos++]
        if (next === CLOSE_BRACE) break
        if (next !== COMMA || !this.skipSpace()) return null
      }
    }
    // Only whitespace may follow the object.
    if (!this.skipSpace() && this.pos < this.bytes.length) return null
    return this.pos === this.bytes.length ? { innerStart, innerEnd } : null
  }

  /** Skips spaces and tabs; false at a line break or at the end of the bytes. */
  private skipSpace(): boolean {
    const bytes = this.bytes
    let pos = this.pos
    while (pos < bytes.length) {
      const c = bytes[pos] as number
      if (c === 0x20 || c === 0x09) pos++
      else {
        this.pos = pos
        return c !== 0x0a && c !== 0x0d
      }
    }
    this.pos = pos
    return false
  }

  private value(depth: number): boolean {
    const c = this.bytes[this.pos]
    switch (c) {
      case QUOTE:
        return this.string()
      case OPEN_BRACE:
        return this.nested(CLOSE_BRACE, depth)
      case OPEN_BRACKET:
        return this.nested(CLOSE_BRACKET, depth)
      case 0x74:
      case 0x66:
      case 0x6e:
        return this.literal(LITERALS[c] as Uint8Array)
      default:
        return c !== undefined && (c === MINUS || (c >= ZERO && c <= NINE)) && this.number()
    }
  }

  /** An object or array below the top level; keys are not checked there. */
  private nested(close: number, depth: number): boolean {
    // Deeper than any record: leave it to JSON.parse rather than recurse without bound.
    if (depth > 256) return false
    this.pos++
    if (!this.skipSpace()) return false
    if (this.bytes[this.pos] === close) {
      this.pos++
      return true
    }
    for (;;) {
      if (close === CLOSE_BRACE) {
        if (!this.string() || !this.skipSpace() || this.bytes[this.pos] !== COLON) return false
        this.pos++
        if (!this.skipSpace()) return false
      }
      if (!this.value(depth + 1) || !this.skipSpace()) return false
      const next = this.bytes[this.pos++]
      if (next === close) return true
      if (next !== COMMA || !this.skipSpace()) return false
    }
  }

  private literal(word: Uint8Array): boolean {
    const bytes = this.bytes
    for (let i = 0; i < word.length; i++) if (bytes[this.pos + i] !== word[i]) return false
    this.pos += word.length
    return true
  }

  /** `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?` */
  private number(): boolean {
    const bytes = this.bytes
    let pos = this.pos
    if (bytes[pos] === MINUS) pos++
    if (bytes[pos] === ZERO) pos++
    else {
      const from = pos
      pos = digits(bytes, pos)
      if (pos === from) return false
    }
    if (bytes[pos] === DOT) {
      const from = ++pos
      pos = digits(bytes, pos)
      if (pos === from) return false
    }
    if (bytes[pos] === 0x65 || bytes[pos] === 0x45) {
      pos++
      if (bytes[pos] === PLUS || bytes[pos] === MINUS) pos++
      const from = pos
      pos = digits(bytes, pos)
      if (pos === from) return false
    }
    this.pos = pos
    return true
  }

  /** A string literal: no raw control character, valid escapes, valid UTF-8. */
  private string(): boolean {
    const bytes = this.bytes
    if (bytes[this.pos] !== QUOTE) return false
    let pos = this.pos + 1
    this.escaped = false
    for (;;) {
      if (pos >= bytes.length) return false
      const c = bytes[pos] as number
      if (c === QUOTE) break
      if (c < 0x20) return false
      if (c === BACKSLASH) {
        this.escaped = true
        const e = bytes[pos + 1]
        if (e === 0x75) {
          for (let i = 2; i < 6; i++) if (!isHex(bytes[pos + i])) return false
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
        else return false
      } else if (c < 0x80) pos++
      else {
        const length = utf8SequenceLength(bytes, pos)
        if (length === 0) return false
        pos += length
      }
    }
    this.pos = pos + 1
    return true
  }

  /** Whether bytes[from, to) (a key's text between its quotes) is one of the reserved names. */
  private isReserved(from: number, to: number): boolean {
    if (this.escaped) return true
    const bytes = this.bytes
    for (const name of this.reserved) {
      if (name[0] !== bytes[from]) continue
      if (name.length !== to - from) continue
      let same = true
      for (let i = 0; i < name.length && same; i++) same = bytes[from + i] === name[i]
      if (same) return true
    }
    return false
  }
}

function digits(bytes: Uint8Array, from: number): number {
  let pos = from
  for (;;) {
    const c = bytes[pos]
    if (c === undefined || c < ZERO || c > NINE) return pos
    pos++
  }
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
}

/**
 * Length of the well-formed UTF-8 sequence starting at `pos` (lead byte ≥ 0x80), or 0: no overlong
 * forms, no surrogates, nothing above U+10FFFF (the sequences a UTF-8 decoder keeps as they are).
 */
function utf8SequenceLength(bytes: Uint8Array, pos: number): number {
  const c = bytes[pos] as number
  const b1 = bytes[pos + 1]
  if (c >= 0xc2 && c <= 0xdf) return within(b1, 0x80) ? 2 : 0
  const b2 = bytes[pos + 2]
  if (c >= 0xe0 && c <= 0xef) {
    // E0 needs A0.. (no overlong form), ED stops at 9F (no surrogates).
    const low = c === 0xe0 ? 0xa0 : 0x80
    const high = c === 0xed ? 0x9f : 0xbf
    return within(b1, low, high) && within(b2, 0x80) ? 3 : 0
  }
  if (c >= 0xf0 && c <= 0xf4) {
    // F0 needs 90.. (no overlong form), F4 stops at 8F (nothing above U+10FFFF).
    const low = c === 0xf0 ? 0x90 : 0x80
    const high = c === 0xf4 ? 0x8f : 0xbf
    return within(b1, low, high) && within(b2, 0x80) && within(bytes[pos + 3], 0x80) ? 4 : 0
  }
  return 0
}

function within(b: number | undefined, low: number, high = 0xbf): boolean {
  return b !== undefined && b >= low && b <= high
}
