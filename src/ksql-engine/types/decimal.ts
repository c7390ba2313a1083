import { formatJavaDouble } from './java-format.ts'
import { RecordError } from './record-error.ts'

/**
 * Exact decimal value (Java BigDecimal semantics): value = unscaled × 10^-scale. Immutable.
 * Text forms follow `BigDecimal.toPlainString()`, which is how ksqlDB prints DECIMAL columns in
 * JSON and DELIMITED output (`10.120`, `0.00`, `-1.5`); precision is the digit count of the
 * unscaled value.
 */
export class Decimal {
  readonly unscaled: bigint
  readonly scale: number

  constructor(unscaled: bigint, scale: number) {
    this.unscaled = unscaled
    this.scale = scale
  }

  /** BigDecimal(String): `1.5`, `-0.01`, `.5`, `1E3`, `+2`. Throws RecordError on bad text. */
  static parse(text: string): Decimal {
    const match = DECIMAL_TEXT.exec(text)
    const [, sign, intDigits = '', fracDigits = '', exp] = match ?? []
    const digits = `${intDigits}${fracDigits}`
    if (match === null || digits === '') throw new RecordError(`Invalid decimal value: '${text}'`)
    let unscaled = BigInt(digits === '' ? '0' : digits)
    if (sign === '-') unscaled = -unscaled
    const scale = fracDigits.length - (exp === undefined ? 0 : Number(exp))
    return new Decimal(unscaled, scale)
  }

  /** BigDecimal.valueOf(double): the decimal of Java's `Double.toString` form (0.1 → 0.1, 100.0 → 100.0). */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw new RecordError(`Cannot convert ${formatJavaDouble(value)} to DECIMAL`)
    return Decimal.parse(formatJavaDouble(value))
  }

  static fromBigInt(value: bigint, scale = 0): Decimal {
    return new Decimal(value * 10n ** BigInt(scale), scale)
  }

  static fromInteger(value: number): Decimal {
    return new Decimal(BigInt(Math.trunc(value)), 0)
  }

  /** Digits of the unscaled value (BigDecimal.precision(): 0 has precision 1). */
  precision(): number {
    const abs = this.unscaled < 0n ? -this.unscaled : this.unscaled
    return abs.toString().length
  }

  signum(): number {
    return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0
  }

  /** Rescale with RoundingMode.HALF_UP (ties away from zero). */
  setScale(scale: number): Decimal {
    if (scale === this.scale) return this
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale)
    return new Decimal(divideHalfUp(this.unscaled, 10n ** BigInt(this.scale - scale)), scale)
  }

  /** Rescale rounding toward negative/positive infinity (FLOOR / CEILING). */
  setScaleDirected(scale: number, mode: 'FLOOR' | 'CEILING'): Decimal {
    if (scale >= this.scale) return this.setScale(scale)
    const divisor = 10n ** BigInt(this.scale - scale)
    let quotient = this.unscaled / divisor
    const remainder = this.unscaled % divisor
    if (remainder !== 0n) {
      if (mode === 'FLOOR' && this.unscaled < 0n) quotient -= 1n
      if (mode === 'CEILING' && this.unscaled > 0n) quotient += 1n
    }
    return new Decimal(quotient, scale)
  }

  negate(): Decimal {
    return new Decimal(-this.unscaled, this.scale)
  }

  abs(): Decimal {
    return this.unscaled < 0n ? this.negate() : this
  }

  add(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale)
    return new Decimal(this.setScale(scale).unscaled + other.setScale(scale).unscaled, scale)
  }

  subtract(other: Decimal): Decimal {
    return this.add(other.negate())
  }

  multiply(other: Decimal): Decimal {
    return new Decimal(this.unscaled * other.unscaled, this.scale + other.scale)
  }

  /** Quotient rounded HALF_UP to `scale` digits; throws RecordError on division by zero. */
  divide(other: Decimal, scale: number): Decimal {
    if (other.unscaled === 0n) throw new RecordError('Division by zero')
    // this/other = (u1 × 10^-s1) / (u2 × 10^-s2); scale the numerator so the quotient has `scale` digits.
    const shift = scale + other.scale - this.scale
    const numerator = shift >= 0 ? this.unscaled * 10n ** BigInt(shift) : this.unscaled
    const denominator = shift >= 0 ? other.unscaled : other.unscaled * 10n ** BigInt(-shift)
    return new Decimal(divideHalfUp(numerator, denominator), scale)
  }

  /** BigDecimal.remainder: sign follows the dividend. */
  remainder(other: Decimal): Decimal {
    if (other.unscaled === 0n) throw new RecordError('Division by zero')
    const scale = Math.max(this.scale, other.scale)
    return new Decimal(this.setScale(scale).unscaled % other.setScale(scale).unscaled, scale)
  }

  compare(other: Decimal): number {
    const scale = Math.max(this.scale, other.scale)
    const a = this.setScale(scale).unscaled
    const b = other.setScale(scale).unscaled
    return a < b ? -1 : a > b ? 1 : 0
  }

  /** Numeric equality (compareTo == 0), so 1.0 equals 1.00. */
  equals(other: Decimal): boolean {
    return this.compare(other) === 0
  }

  toNumber(): number {
    return Number(this.toString())
  }

  /** Truncates toward zero (BigDecimal.toBigInteger). */
  toBigInt(): bigint {
    if (this.scale <= 0) return this.unscaled * 10n ** BigInt(-this.scale)
    return this.unscaled / 10n ** BigInt(this.scale)
  }

  /** BigDecimal.toPlainString(). */
  toString(): string {
    const negative = this.unscaled < 0n
    const digits = (negative ? -this.unscaled : this.unscaled).toString()
    const sign = negative ? '-' : ''
    if (this.scale <= 0) return sign + digits + '0'.repeat(-this.scale)
    const padded = digits.padStart(this.scale + 1, '0')
    const cut = padded.length - this.scale
    return `${sign}${padded.slice(0, cut)}.${padded.slice(cut)}`
  }

  toJSON(): number {
    return this.toNumber()
  }
}

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator
  const remainder = numerator % denominator
  if (remainder === 0n) return quotient
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n
  const absDenominator = denominator < 0n ? -denominator : denominator
  if (twiceRemainder < absDenominator) return quotient
  const positive = numerator < 0n === denominator < 0n
  return positive ? quotient + 1n : quotient - 1n
}

export function isDecimal(value: unknown): value is Decimal {
  return value instanceof Decimal
}

/**
 * ksqlDB's DecimalUtil.ensureFit: round HALF_UP to the column's scale, then fail if the integer
 * part needs more than precision - scale digits.
 */
export function fitDecimal(value: Decimal, precision: number, scale: number): Decimal {
  const rounded = value.setScale(scale)
  if (rounded.precision() > precision && rounded.unscaled !== 0n) {
    throw new RecordError(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an ` +
        `absolute value less than 10^${precision - scale}. Got ${value.toString()}`,
    )
  }
  return rounded
}
