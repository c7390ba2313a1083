/**
 * The decimal digits of a double at or next to a whole number of hundredths: money amounts (30.38)
 * and running SUMs of them (1580.6799999999998, a few ulps off 1580.68), which a windowed
 * aggregate writes for every update. V8's shortest-digits conversion takes ~160 ns and a string
 * per value; this takes a few multiplications and yields the same digits, or declines.
 *
 * Why the digits are the same as `${v}` (ECMAScript Number::toString: the fewest significant
 * digits that read back as v, the closest to v among those), for 1 ≤ |v| < 10^7:
 * - v = r/100 (r = round(100·v)): no decimal with fewer fraction digits than r/100 lies within
 *   ulp(v)/2 ≤ 2^-29 of v, since other such decimals are ≥ 0.01 away; so r/100 is the answer.
 * - otherwise, with δ = v − r/100 (computed nearly exactly: Sterbenz and Dekker's product make its
 *   parts exact): r/100 itself does not read back as v (it reads as the double nearest to it, and
 *   it is never a midpoint), so the answer has F ≥ 3 fraction digits; the first F for which the
 *   multiple of 10^-F nearest to δ lies within ulp(v)/2 of δ gives it (the integer part is the same
 *   for every candidate: none of them is a whole number). Comparisons too close to call (ties,
 *   interval bounds, where round-half-even would decide) decline, as do values farther than 64 ulps
 *   from r/100, where the error bounds would need more care.
 * The caller writes `whole`.`cents`[`tail` zero-padded to `tailDigits`] (cents: two digits when
 * there is a tail, else as few as Java writes: `1.0`, `1.5`, `1.05`).
 */
export interface NearCentsDigits {
  negative: boolean
  whole: number
  cents: number
  /** Digits after the cents; 0 with tailDigits 0 when v is r/100 exactly. */
  tail: number
  tailDigits: number
}

const view = new DataView(new ArrayBuffer(8))
const POW10 = Array.from({ length: 18 }, (_, i) => 10 ** i)
/** Half an ulp of doubles with binary exponent 0…23 (the range [1, 10^7)): a table, not Math.pow. */
const HALF_ULP = Array.from({ length: 24 }, (_, e) => 2 ** (e - 53))
/** How far from r/100 (in half ulps) a value may be for the digits found here. */
const MAX_HALF_ULPS = 128
/**
 * Per binary exponent, the fraction digits the scan starts at: with fewer, |δ|·10^f ≤ 0.1 for every
 * |δ| ≤ MAX_HALF_ULPS half ulps, so the multiple of 10^-f nearest to δ is 0, never the answer.
 */
const FIRST_DIGITS = HALF_ULP.map((half) =>
  Math.max(3, Math.floor(Math.log10(0.1 / (MAX_HALF_ULPS * half)) - 1e-9)),
)
/** Relative margin around a bound within which the doubles computed here could fall on either side. */
const MARGIN = 2 ** -30
/** Dekker's splitter for 53-bit doubles. */
const SPLITTER = 2 ** 27 + 1

/** Fills `out` with v's digits and returns true, or returns false when v is not such a double. */
export function nearCentsDigits(v: number, out: NearCentsDigits): boolean {
  const negative = v < 0
  const a = negative ? -v : v
  if (!(a >= 1 && a < 1e7)) return false
  const r = Math.round(a * 100)
  const d = r / 100
  out.negative = negative
  // Modulo of doubles is a call into C: the whole part and remainders come from divisions.
  const wholeOfR = Math.floor(r / 100)
  if (d === a) {
    out.whole = wholeOfR
    out.cents = r - wholeOfR * 100
    out.tail = 0
    out.tailDigits = 0
    return true
  }
  view.setFloat64(0, a)
  const exponent = ((view.getUint32(0) >>> 20) & 0x7ff) - 1023
  const halfUlp = HALF_ULP[exponent] as number
  // δ = (a − d) + (d − r/100); a − d is exact (Sterbenz), and 100·d − r is p − r (exact) plus the
  // product's rounding error (exact, Dekker: 100 needs no split).
  const p = d * 100
  const c = SPLITTER * d
  const high = c - (c - d)
  const low = d - high
  const productError = high * 100 - p + low * 100
  const delta = a - d + (p - r + productError) / 100
  if (!(Math.abs(delta) <= MAX_HALF_ULPS * halfUlp)) return false
  for (let f = FIRST_DIGITS[exponent] as number; f < POW10.length; f++) {
    const scale = POW10[f] as number
    const x = delta * scale
    const m = Math.round(x)
    const limit = halfUlp * scale
    const distance = Math.abs(m - x)
    if (Math.abs(distance - limit) <= limit * MARGIN) return false
    if (distance >= limit) continue
    // Two multiples equally near δ: the closer one is not decided here.
    if (Math.abs(distance - 0.5) <= MARGIN) return false
    const tailScale = POW10[f - 2] as number
    if (m === 0 || Math.abs(m) >= tailScale || Math.trunc(m / 10) * 10 === m) return false
    let whole = wholeOfR
    let cents = r - wholeOfR * 100
    let tail = m
    if (m < 0) {
      // r/100 − |m|·10^-f: borrow one hundredth.
      tail = tailScale + m
      cents--
      if (cents < 0) {
        cents = 99
        whole--
      }
    }
    out.whole = whole
    out.cents = cents
    out.tail = tail
    out.tailDigits = f - 2
    return true
  }
  return false
}
