import { LN2_FIXED } from './exact-log.ts'

/**
 * A correctly rounded e^x, for the same reason as exact-log.ts: V8's Math.exp differs from the
 * JVM's in the last bit for about 2% of inputs. x = k·ln2 + r, e^r by its series in 120-bit fixed
 * point, one final rounding through BigInt → Number.
 */
const P = 120n
const ONE = 1n << P
const SCALE = 2 ** Number(P)

/** x as a fixed-point BigInt with P fraction bits (exact for the bits that fit). */
function toFixed(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Math.abs(x))
  const bits = view.getBigUint64(0)
  const exponent = Number((bits >> 52n) & 0x7ffn)
  const mantissa = (bits & ((1n << 52n) - 1n)) | (exponent === 0 ? 0n : 1n << 52n)
  const shift = BigInt(Math.max(exponent, 1) - 1075) + P
  const magnitude = shift >= 0n ? mantissa << shift : mantissa >> -shift
  return x < 0 ? -magnitude : magnitude
}

function expSeries(r: bigint): bigint {
  // r ≥ 0 and below ln2/2; the terms vanish after ~30 steps.
  let term = ONE
  let sum = ONE
  for (let n = 1n; term !== 0n; n++) {
    term = ((term * r) >> P) / n
    sum += term
  }
  return sum
}

export function exactExp(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) < 2 ** -30 || x > 709 || x < -708) return Math.exp(x)
  const k = Math.round(x / Math.LN2)
  const r = toFixed(x) - BigInt(k) * LN2_FIXED
  const e = r >= 0n ? expSeries(r) : (ONE * ONE) / expSeries(-r)
  return (Number(e) / SCALE) * 2 ** k
}
