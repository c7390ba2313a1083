import type { SqlType } from '../types/sql-type.ts'
import { createFieldTextWriter } from './json-values.ts'
import { nearCentsDigits, type NearCentsDigits } from './near-cents-double.ts'

/**
 * Writes JSON record text straight into bytes, without building a string first: a record is a few
 * dozen pieces, and a string concatenated from them has to be flattened and then scanned again to
 * encode it, which costs more than the text itself. Bytes go into a shared slab; each record is a
 * view of its part (as Buffer.from's own pool does for small strings).
 */
export class JsonByteWriter {
  private slab: Buffer = Buffer.allocUnsafe(SLAB_BYTES)
  private start = 0
  private pos = 0

  /** Starts a record. */
  begin(): void {
    if (this.slab.length - this.pos < MIN_FREE) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES)
      this.pos = 0
    }
    this.start = this.pos
  }

  /** Ends the record: its bytes, which no later record overwrites. */
  end(): Buffer {
    const bytes = this.slab.subarray(this.start, this.pos)
    // Keep records 8-byte aligned, as Buffer.from's pool does.
    this.pos = (this.pos + 7) & ~7
    return bytes
  }

  /** A position in the record begun, for copySince. */
  mark(): number {
    return this.pos - this.start
  }

  /** A copy of the bytes written since `mark()` returned `mark` (in this record). */
  copySince(mark: number): Buffer {
    return Buffer.from(this.slab.subarray(this.start + mark, this.pos))
  }

  /** Pre-encoded bytes (field name prefixes). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length)
    const slab = this.slab
    let pos = this.pos
    // A typed array copy costs a call (~30 ns), a byte loop ~2 ns a byte: the loop for short pieces.
    if (bytes.length > RAW_LOOP_MAX) {
      slab.set(bytes, pos)
      this.pos = pos + bytes.length
      return
    }
    for (let i = 0; i < bytes.length; i++) slab[pos++] = bytes[i] as number
    this.pos = pos
  }

  /** Text known to be ASCII (numbers, `null`, `true`). */
  ascii(text: string): void {
    this.reserve(text.length)
    const slab = this.slab
    let pos = this.pos
    for (let i = 0; i < text.length; i++) slab[pos++] = text.charCodeAt(i)
    this.pos = pos
  }

  /** Any text, UTF-8 encoded. */
  utf8(text: string): void {
    this.reserve(text.length * 3)
    this.pos += this.slab.write(text, this.pos, 'utf8')
  }

  /** A JSON string literal, exactly as JSON.stringify writes it. */
  string(text: string): void {
    this.reserve(text.length + 2)
    const slab = this.slab
    const from = this.pos
    let pos = from
    slab[pos++] = QUOTE
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      // Printable ASCII other than `"` and `\` is written as is; anything else takes the slow path.
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        this.pos = from
        this.utf8(JSON.stringify(text))
        return
      }
      slab[pos++] = c
    }
    slab[pos++] = QUOTE
    this.pos = pos
  }

  /** A whole number in the 32-bit range, digits written directly. */
  int(value: number): void {
    this.reserve(11)
    if (value < 0) {
      this.slab[this.pos++] = MINUS
      // −2^31 has no positive int32: as an unsigned 32-bit number.
      this.unsigned(-value >>> 0)
    } else this.unsigned(value >>> 0)
  }

  /**
   * A whole number of up to 16 digits (epoch milliseconds, window bounds), digits written directly:
   * beyond 32 bits as two 32-bit halves, whose digit arithmetic stays in integers.
   */
  long(value: number): void {
    if ((value | 0) === value) {
      this.int(value)
      return
    }
    this.reserve(18)
    let n = value
    if (n < 0) {
      this.slab[this.pos++] = MINUS
      n = -n
    }
    const high = Math.floor(n / 1e8)
    this.unsigned(high >>> 0)
    this.padded(n - high * 1e8, 8)
  }

  /** Digits of a whole number in [0, 2^32) (on doubles, `%` would be a call into C). */
  private unsigned(value: number): void {
    let width = 1
    while (width < 10 && value >= (POW10_UINT[width] as number)) width++
    this.fill(value, width)
  }

  /**
   * Writes the last `width` digits of a whole number in [0, 2^32), most significant first, two
   * digits per division; the arithmetic stays in 32-bit integers (`>>> 0`).
   */
  private fill(value: number, width: number): void {
    const slab = this.slab
    const from = this.pos
    let i = from + width
    let n = value
    while (i - from >= 2) {
      const rest = (n / 100) >>> 0
      const pair = (n - rest * 100) * 2
      slab[--i] = DIGIT_PAIRS[pair + 1] as number
      slab[--i] = DIGIT_PAIRS[pair] as number
      n = rest
    }
    if (i > from) slab[from] = ZERO + n - ((n / 10) >>> 0) * 10
    this.pos = from + width
  }

  /**
   * A DOUBLE at or next to a whole number of hundredths, in Java's text (see near-cents-double.ts),
   * digits written directly; false (nothing written) for other values.
   */
  nearCentsDouble(value: number): boolean {
    const digits = centsScratch
    if (!nearCentsDigits(value, digits)) return false
    // Sign, 7 whole digits, point, 2 cents and at most 15 more digits.
    this.reserve(32)
    if (digits.negative) this.slab[this.pos++] = MINUS
    this.int(digits.whole)
    const slab = this.slab
    slab[this.pos++] = POINT
    const cents = digits.cents >>> 0
    const tenths = (cents / 10) >>> 0
    if (digits.tailDigits > 0) {
      this.padded(cents, 2)
      this.padded(digits.tail, digits.tailDigits)
    } else if (tenths * 10 !== cents) this.padded(cents, 2)
    // Java keeps one fraction digit: `1.0`, `1.5`.
    else slab[this.pos++] = ZERO + tenths
    return true
  }

  /**
   * A whole number below 10^16 as exactly `width` digits, zero-padded; in two halves of at most
   * 8 digits, whose digit arithmetic stays in 32-bit integers (modulo of doubles calls into C).
   */
  private padded(value: number, width: number): void {
    if (width > 8) {
      const high = Math.floor(value / 1e8)
      this.padded(high, width - 8)
      this.padded(value - high * 1e8, 8)
      return
    }
    this.fill(value >>> 0, width)
  }

  /** Grows the slab (copying the record begun) when `bytes` more might not fit. */
  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.slab.length) return
    const length = this.pos - this.start
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (length + bytes)))
    this.slab.copy(next, 0, this.start, this.pos)
    this.slab = next
    this.start = 0
    this.pos = length
  }
}

const SLAB_BYTES = 64 * 1024
const MIN_FREE = 1024
const QUOTE = 0x22
const BACKSLASH = 0x5c
const MINUS = 0x2d
const ZERO = 0x30
const POINT = 0x2e
const RAW_LOOP_MAX = 16
/** "00" … "99": two digits per division. */
const DIGIT_PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => ZERO + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10),
)
/** 10^0 … 10^9: digit counts of 32-bit numbers. */
const POW10_UINT = Array.from({ length: 10 }, (_, i) => 10 ** i)
const centsScratch: NearCentsDigits = { negative: false, whole: 0, cents: 0, tail: 0, tailDigits: 0 }

/** Appends one field value's JSON text; same text as createJsonTextWriter / createFieldTextWriter. */
export type JsonFieldByteWriter = (out: JsonByteWriter, value: unknown) => void

export function createFieldByteWriter(type: SqlType): JsonFieldByteWriter {
  const text = createFieldTextWriter(type)
  switch (type.kind) {
    case 'STRING':
      return (out, v) => {
        if (typeof v === 'string') out.string(v)
        else out.utf8(text(v))
      }
    case 'INTEGER':
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return (out, v) => {
        // Whole numbers below 2^53 (not -0, which JavaScript writes as 0): digits directly.
        if (typeof v === 'number') {
          if (Number.isSafeInteger(v) && !Object.is(v, -0)) out.long(v)
          else out.ascii(text(v))
        } else out.utf8(text(v))
      }
    case 'DOUBLE':
      // Java double text and `"NaN"`-style strings are ASCII.
      return (out, v) => {
        if (typeof v !== 'number') out.utf8(text(v))
        else if (!out.nearCentsDouble(v)) out.ascii(text(v))
      }
    case 'BOOLEAN':
      return (out, v) => (typeof v === 'boolean' ? out.ascii(text(v)) : out.utf8(text(v)))
    case 'DECIMAL':
    case 'BYTES':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return (out, v) => out.utf8(text(v))
  }
}
