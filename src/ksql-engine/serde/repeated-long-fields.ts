import type { JsonByteWriter, JsonFieldByteWriter } from './json-bytes.ts'

/**
 * Field bytes (`,"NAME":digits`) of whole numbers beyond 32 bits that a column writes again and
 * again: window bounds (every update of a window repeats its WINDOW_START and WINDOW_END), a few
 * timestamps shared by many records. Kept in a small table by value, so a repeat is one copy
 * instead of the name plus a division per two digits. A value is kept on its second sighting
 * in its slot, so a column of ever new values (event times) pays a hash and a compare, not a copy.
 */
export class RepeatedLongFields {
  private readonly values = new Float64Array(SLOTS).fill(Number.NaN)
  private readonly bytes = new Array<Buffer | undefined>(SLOTS)
  /** The last value seen per slot that is not kept yet. */
  private readonly seen = new Float64Array(SLOTS).fill(Number.NaN)

  private readonly prefix: Buffer
  private readonly write: JsonFieldByteWriter

  constructor(prefix: Buffer, write: JsonFieldByteWriter) {
    this.prefix = prefix
    this.write = write
  }

  /** Writes prefix and value and returns true; false (nothing written) for values it leaves to the caller. */
  writeField(out: JsonByteWriter, value: unknown): boolean {
    // Whole numbers within 32 bits are cheap to write as they are; -0 and non-integers are not kept.
    if (typeof value !== 'number' || (value | 0) === value || !Number.isSafeInteger(value)) return false
    const slot = Math.imul((value >>> 0) ^ ((value / 4294967296) | 0), 0x9e3779b1) >>> (32 - SLOT_BITS)
    if (this.values[slot] === value) {
      out.raw(this.bytes[slot] as Buffer)
      return true
    }
    if (this.seen[slot] !== value) {
      this.seen[slot] = value
      return false
    }
    const mark = out.mark()
    out.raw(this.prefix)
    this.write(out, value)
    this.values[slot] = value
    this.bytes[slot] = out.copySince(mark)
    return true
  }
}

const SLOT_BITS = 6
const SLOTS = 1 << SLOT_BITS
