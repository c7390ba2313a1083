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

  /** Pre-encoded bytes (field name prefixes). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length)
    const slab = this.slab
    let pos = this.pos
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
    const slab = this.slab
    let pos = this.pos
    let n = value
    if (n < 0) {
      slab[pos++] = MINUS
      n = -n
    }
    const first = pos
    do {
      slab[pos++] = ZERO + (n % 10)
      n = Math.floor(n / 10)
    } while (n > 0)
    // Digits came out least significant first.
    for (let i = first, j = pos - 1; i < j; i++, j--) {
      const t = slab[i] as number
      slab[i] = slab[j] as number
      slab[j] = t
    }
    this.pos = pos
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
    const cents = digits.cents
    if (digits.tailDigits > 0) {
      this.padded(cents, 2)
      this.padded(digits.tail, digits.tailDigits)
    } else if (cents % 10 !== 0) this.padded(cents, 2)
    // Java keeps one fraction digit: `1.0`, `1.5`.
    else slab[this.pos++] = ZERO + cents / 10
    return true
  }

  /** A whole number below 2^53 as exactly `width` digits, zero-padded. */
  private padded(value: number, width: number): void {
    const slab = this.slab
    let n = value
    for (let i = this.pos + width - 1; i >= this.pos; i--) {
      slab[i] = ZERO + (n % 10)
      n = Math.floor(n / 10)
    }
    this.pos += width
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
        // Whole numbers of the 32-bit range (not -0, which JavaScript writes as 0): digits directly;
        // larger ones (epoch milliseconds) through their remembered text, cheaper than digit math.
        if (typeof v === 'number') {
          if ((v | 0) === v && !Object.is(v, -0)) out.int(v)
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
