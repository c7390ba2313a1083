/**
 * Java's text forms of floating-point numbers, which ksqlDB uses whenever a DOUBLE becomes a
 * STRING (CAST, CONCAT, DELIMITED output): `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`.
 * JavaScript's shortest round-trip digits equal Java's (JDK 19+ Ryu-like algorithm), so only the
 * layout differs.
 */
export function formatJavaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  // Fast paths: in [10^-3, 10^7) JavaScript's plain notation has the same digits as Java's.
  const abs = Math.abs(value)
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(value) ? `${value}.0` : String(value)
  return layoutJava(value, shortestDigits(value))
}

/** Java `Float.toString`: the shortest digits that round-trip through a 32-bit float. */
export function formatJavaFloat(value: number): string {
  const f = Math.fround(value)
  if (!Number.isFinite(f) || f === 0) return formatJavaDouble(f)
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(f.toPrecision(precision))
    if (Math.fround(candidate) === f) return layoutJava(f, shortestDigits(candidate))
  }
  return layoutJava(f, shortestDigits(f))
}

interface Digits {
  readonly negative: boolean
  readonly digits: string // significant digits, no leading zeros
  readonly exponent: number // value = 0.d1d2d3... × 10^exponent × 10 ... i.e. d1.d2d3 × 10^exponent
}

function shortestDigits(value: number): Digits {
  const text = Math.abs(value).toExponential() // shortest round-trip digits: d.ddde±x
  const eIndex = text.indexOf('e')
  const mantissa = text.slice(0, eIndex).replace('.', '')
  if (mantissa.length === 1)
    return (
      closestTwoDigits(value) ?? {
        negative: value < 0,
        digits: mantissa,
        exponent: Number(text.slice(eIndex + 1)),
      }
    )
  return { negative: value < 0, digits: mantissa, exponent: Number(text.slice(eIndex + 1)) }
}

/**
 * Java prints at least two significant digits and, among the two-digit decimals that round to the
 * value, the closest one: Double.MIN_VALUE is `4.9E-324` where JavaScript's shortest is `5e-324`.
 */
function closestTwoDigits(value: number): Digits | null {
  const text = Math.abs(value).toPrecision(2) // the two-digit decimal closest to the exact value
  if (Number(text) !== Math.abs(value)) return null
  const [mantissa = '', exponent = '0'] = Math.abs(Number(text)).toExponential(1).split('e')
  const digits = mantissa.replace('.', '').replace(/0$/, '')
  return { negative: value < 0, digits, exponent: Number(exponent) }
}

/** Java switches to "computerized scientific notation" outside [10^-3, 10^7). */
function layoutJava(value: number, { negative, digits, exponent }: Digits): string {
  const sign = negative ? '-' : ''
  const abs = Math.abs(value)
  if (abs >= 1e-3 && abs < 1e7) {
    if (exponent >= 0) {
      const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
      const frac = digits.slice(exponent + 1)
      return `${sign}${intPart}.${frac === '' ? '0' : frac}`
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  }
  const frac = digits.slice(1)
  return `${sign}${digits[0] ?? '0'}.${frac === '' ? '0' : frac}E${exponent}`
}
