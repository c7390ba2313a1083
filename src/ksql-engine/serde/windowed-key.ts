/**
 * Kafka Streams' windowed key layout, which ksqlDB uses for windowed sinks and sources:
 * - time windows (TUMBLING/HOPPING): `<key bytes><8-byte big-endian window start ms>`; the end is not
 *   stored, readers compute it as start + window size;
 * - session windows: `<key bytes><8-byte big-endian end ms><8-byte big-endian start ms>`.
 */
export interface WindowedKey {
  readonly key: Buffer
  readonly start: number
  /** Session windows only; time windows derive the end from the window size. */
  readonly end?: number
}

export function wrapTimeWindowedKey(key: Buffer | null, start: number): Buffer {
  const inner = key ?? EMPTY
  const out = Buffer.allocUnsafe(inner.length + 8)
  inner.copy(out, 0)
  out.writeBigInt64BE(BigInt(start), inner.length)
  return out
}

export function unwrapTimeWindowedKey(bytes: Buffer): WindowedKey {
  if (bytes.length < 8) throw new RangeError(`Windowed key too short: ${bytes.length} bytes`)
  const cut = bytes.length - 8
  return { key: bytes.subarray(0, cut), start: Number(bytes.readBigInt64BE(cut)) }
}

export function wrapSessionWindowedKey(key: Buffer | null, start: number, end: number): Buffer {
  const inner = key ?? EMPTY
  const out = Buffer.allocUnsafe(inner.length + 16)
  inner.copy(out, 0)
  out.writeBigInt64BE(BigInt(end), inner.length)
  out.writeBigInt64BE(BigInt(start), inner.length + 8)
  return out
}

export function unwrapSessionWindowedKey(bytes: Buffer): WindowedKey & { readonly end: number } {
  if (bytes.length < 16) throw new RangeError(`Session windowed key too short: ${bytes.length} bytes`)
  const cut = bytes.length - 16
  return {
    key: bytes.subarray(0, cut),
    end: Number(bytes.readBigInt64BE(cut)),
    start: Number(bytes.readBigInt64BE(cut + 8)),
  }
}

const EMPTY = Buffer.alloc(0)
