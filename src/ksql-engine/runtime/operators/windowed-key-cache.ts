import type { WindowBounds } from '../../expression/row.ts'

/**
 * Windowed key bytes (serde/windowed-key.ts's layouts), kept for repeats: a window's key stays the
 * same for its whole life, and a hopping group writes each of its windows again with every record.
 * A small table by window and key bytes (not a map by window object: rows of a windowed source
 * bring a new window object each, which would only fill it) makes a repeat a compare instead of a
 * new buffer; a record that finds another window or key in its slot builds its bytes and takes
 * the slot.
 */
export class WindowedKeyCache {
  private readonly starts = new Float64Array(SLOTS).fill(Number.NaN)
  private readonly ends = new Float64Array(SLOTS).fill(Number.NaN)
  private readonly keys = new Array<Buffer | undefined>(SLOTS)
  private readonly session: boolean

  constructor(session: boolean) {
    this.session = session
  }

  /** `<key><8-byte start>` for time windows, `<key><8-byte end><8-byte start>` for sessions. */
  bytesOf(key: Buffer | null, window: WindowBounds): Buffer {
    const inner = key ?? EMPTY
    const { start, end } = window
    const length = inner.length
    // Window start, key length and its first and last bytes tell most keys of a query apart.
    const mixed =
      (start >>> 0) ^
      ((start / TWO_32) | 0) ^
      Math.imul(length, 0x27d4eb2d) ^
      (length === 0 ? 0 : ((inner[0] as number) << 8) ^ (inner[length - 1] as number))
    const slot = Math.imul(mixed, 0x9e3779b1) >>> (32 - SLOT_BITS)
    const known = this.keys[slot]
    if (
      known !== undefined &&
      this.starts[slot] === start &&
      this.ends[slot] === end &&
      startsWith(known, inner, this.session ? 16 : 8)
    )
      return known
    const bytes = this.session ? sessionWindowedKey(inner, window) : timeWindowedKey(inner, start)
    this.starts[slot] = start
    this.ends[slot] = end
    this.keys[slot] = bytes
    return bytes
  }
}

const SLOT_BITS = 8
const SLOTS = 1 << SLOT_BITS

/** Whether `bytes` is `inner` followed by exactly `tail` more bytes. */
function startsWith(bytes: Buffer, inner: Buffer, tail: number): boolean {
  const length = inner.length
  if (bytes.length !== length + tail) return false
  for (let i = 0; i < length; i++) if (bytes[i] !== inner[i]) return false
  return true
}

const EMPTY = Buffer.alloc(0)

/** `<key><8-byte big-endian start>`, as serde/windowed-key.ts, without a BigInt per record. */
function timeWindowedKey(inner: Buffer, start: number): Buffer {
  const out = Buffer.allocUnsafe(inner.length + 8)
  copyInto(out, inner)
  writeInt64(out, start, inner.length)
  return out
}

/** `<key><8-byte end><8-byte start>`. */
function sessionWindowedKey(inner: Buffer, window: WindowBounds): Buffer {
  const out = Buffer.allocUnsafe(inner.length + 16)
  copyInto(out, inner)
  writeInt64(out, window.end, inner.length)
  writeInt64(out, window.start, inner.length + 8)
  return out
}

/** Group keys are short: a loop costs less than Buffer#copy's checks. */
function copyInto(out: Buffer, inner: Buffer): void {
  if (inner.length > 64) {
    inner.copy(out, 0)
    return
  }
  for (let i = 0; i < inner.length; i++) out[i] = inner[i] as number
}

const TWO_32 = 2 ** 32

function writeInt64(out: Buffer, value: number, offset: number): void {
  if (value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
    out.writeUInt32BE(Math.floor(value / TWO_32), offset)
    out.writeUInt32BE(value >>> 0, offset + 4)
  } else out.writeBigInt64BE(BigInt(value), offset)
}
