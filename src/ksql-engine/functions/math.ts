import { Decimal } from '../types/decimal.ts'
import { exactExp } from './exact-exp.ts'
import { exactLog } from './exact-log.ts'
import { BIGINT, DOUBLE, INTEGER, decimal, type SqlType } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, nullSafe, type Overload, type OverloadContext } from './signature.ts'

/** Math functions with ksqlDB's overloads and result types (INT stays INT, DECIMAL keeps its scale...). */
const I = P.t(INTEGER)
const L = P.t(BIGINT)
const D = P.t(DOUBLE)
const DEC = P.decimal

// java.lang.Math's conversion constants, so results match bit for bit.
const DEGREES_TO_RADIANS = 0.017453292519943295
const RADIANS_TO_DEGREES = 57.29577951308232

const num = (v: unknown): number => v as number
const dec = (v: unknown): Decimal => v as Decimal
const decimalArg = (ctx: OverloadContext): SqlType & { kind: 'DECIMAL' } => {
  const t = ctx.types[0]
  return t !== null && t !== undefined && t.kind === 'DECIMAL'
    ? t
    : { kind: 'DECIMAL', precision: 10, scale: 0 }
}

/** Round to `places` digits with ties toward +∞: Java's Math.round, and ksqlDB's ROUND on both signs. */
function roundHalfCeiling(value: Decimal, places: number): Decimal {
  if (places >= value.scale) return value
  const half = new Decimal(5n, places + 1)
  return value.add(half).setScaleDirected(places, 'FLOOR')
}

function truncate(value: Decimal, places: number): Decimal {
  if (places >= value.scale) return value
  return value.setScaleDirected(places, value.signum() < 0 ? 'CEILING' : 'FLOOR')
}

/** java.lang.Math.round / Double.longValue: NaN → 0, saturating at the long range. */
function toLong(v: number, round: boolean): number {
  if (Number.isNaN(v)) return 0
  const n = round ? Math.round(v) : Math.trunc(v)
  return Math.min(2 ** 63, Math.max(-(2 ** 63), n))
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_v, i) => 10 ** i)

/**
 * Decimal places of a double, exactly as BigDecimal.valueOf(v).setScale(places, ...).doubleValue().
 * Fast path: when v × 10^places is small and clearly away from the rounding boundary, plain double
 * arithmetic gives the same digits (n / 10^p is correctly rounded); otherwise go through Decimal.
 */
function scaleDouble(v: number, places: number, mode: 'round' | 'trunc'): number | undefined {
  if (places < 0 || places > 15) return undefined
  const p = POWERS_OF_TEN[places] as number
  const x = v * p
  if (!(Math.abs(x) < 1e9)) return undefined
  const fraction = x - Math.floor(x)
  // `+ 0` turns -0 into 0: a BigDecimal has no negative zero.
  if (mode === 'round') return Math.abs(fraction - 0.5) > 1e-6 ? Math.floor(x + 0.5) / p + 0 : undefined
  return Math.min(fraction, 1 - fraction) > 1e-6 ? Math.trunc(x) / p + 0 : undefined
}

function roundDouble(v: number, places: number): number {
  if (!Number.isFinite(v)) return v
  if (places === 0) return Math.round(v)
  return scaleDouble(v, places, 'round') ?? roundHalfCeiling(Decimal.fromNumber(v), places).toNumber()
}

function truncDouble(v: number, places: number): number {
  if (!Number.isFinite(v)) return v
  return scaleDouble(v, places, 'trunc') ?? truncate(Decimal.fromNumber(v), places).toNumber()
}

/** The exact (slow) paths, exported for tests that check the fast path against them. */
export const exactDoubleScaling = {
  round: (v: number, places: number): number => roundHalfCeiling(Decimal.fromNumber(v), places).toNumber(),
  trunc: (v: number, places: number): number => truncate(Decimal.fromNumber(v), places).toNumber(),
}

function unaryDouble(name: string, f: (x: number) => number): ScalarFunction {
  return defineScalar(name, [{ params: [D], returns: DOUBLE, build: () => nullSafe(([x]) => f(num(x))) }])
}

function sameTypeOverloads(
  ints: (x: number) => number,
  doubles: (x: number) => number,
  decimals: (x: Decimal, type: SqlType & { kind: 'DECIMAL' }) => Decimal,
  decimalReturn: (type: SqlType & { kind: 'DECIMAL' }) => SqlType = (t) => t,
): Overload[] {
  return [
    { params: [I], returns: INTEGER, build: () => nullSafe(([x]) => ints(num(x))) },
    { params: [L], returns: BIGINT, build: () => nullSafe(([x]) => ints(num(x))) },
    { params: [D], returns: DOUBLE, build: () => nullSafe(([x]) => doubles(num(x))) },
    {
      params: [DEC],
      returns: (ctx) => decimalReturn(decimalArg(ctx)),
      build: (ctx) => {
        const t = decimalArg(ctx)
        return nullSafe(([x]) => decimals(dec(x), t))
      },
    },
  ]
}

function roundingFunction(name: 'ROUND' | 'TRUNC'): ScalarFunction {
  const onDecimal = name === 'ROUND' ? roundHalfCeiling : truncate
  const onDouble = name === 'ROUND' ? roundDouble : truncDouble
  return defineScalar(
    name,
    [
      // As in ksqlDB's Round/Trunc UDFs: whole-number forms return BIGINT, even for an INT argument,
      // and there is no (INT, INT) form (an INT with decimal places widens to DECIMAL).
      { params: [I], returns: BIGINT, build: () => nullSafe(([x]) => x) },
      { params: [L], returns: BIGINT, build: () => nullSafe(([x]) => x) },
      { params: [D], returns: BIGINT, build: () => nullSafe(([x]) => toLong(num(x), name === 'ROUND')) },
      {
        params: [DEC],
        returns: (ctx) => {
          const t = decimalArg(ctx)
          // ksqlDB types ROUND(DECIMAL(p, s)) as DECIMAL(p - s, 0), even though rounding up may need one more digit.
          return decimal(Math.max(1, t.precision - t.scale), 0)
        },
        build: () => nullSafe(([x]) => onDecimal(dec(x), 0).setScale(0)),
      },
      { params: [D, I], returns: DOUBLE, build: () => nullSafe(([x, p]) => onDouble(num(x), num(p))) },
      {
        params: [DEC, I],
        returns: (ctx) => decimalArg(ctx),
        build: (ctx) => {
          const t = decimalArg(ctx)
          return nullSafe(([x, p]) => onDecimal(dec(x), num(p)).setScale(t.scale))
        },
      },
      // Error messages name the function as its UDF declares it ('Round', 'trunc').
    ],
    name === 'ROUND' ? 'Round' : 'trunc',
  )
}

export function mathFunctions(): ScalarFunction[] {
  return [
    defineScalar(
      'ABS',
      sameTypeOverloads(
        (x) => Math.abs(x),
        (x) => Math.abs(x),
        (x) => x.abs(),
      ),
    ),
    defineScalar(
      'CEIL',
      sameTypeOverloads(
        (x) => x,
        (x) => Math.ceil(x),
        (x, t) => x.setScaleDirected(0, 'CEILING').setScale(t.scale),
      ),
      'Ceil',
    ),
    defineScalar(
      'FLOOR',
      sameTypeOverloads(
        (x) => x,
        (x) => Math.floor(x),
        (x, t) => x.setScaleDirected(0, 'FLOOR').setScale(t.scale),
      ),
    ),
    roundingFunction('ROUND'),
    roundingFunction('TRUNC'),
    defineScalar('SIGN', [
      { params: [I], returns: INTEGER, build: () => nullSafe(([x]) => Math.sign(num(x))) },
      { params: [L], returns: INTEGER, build: () => nullSafe(([x]) => Math.sign(num(x))) },
      {
        params: [D],
        returns: INTEGER,
        build: () => nullSafe(([x]) => (Number.isNaN(x) ? 0 : Math.sign(num(x)))),
      },
    ]),
    unaryDouble('SQRT', Math.sqrt),
    unaryDouble('CBRT', Math.cbrt),
    unaryDouble('EXP', exactExp),
    unaryDouble('LN', exactLog),
    defineScalar('LOG', [
      { params: [D], returns: DOUBLE, build: () => nullSafe(([x]) => exactLog(num(x))) },
      {
        // ksqlDB's Log(base, value): NaN for a base ≤ 0 or 1, otherwise ln(value) / ln(base).
        params: [D, D],
        returns: DOUBLE,
        build: () =>
          nullSafe(([base, x]) => {
            const b = num(base)
            return b <= 0 || b === 1 ? Number.NaN : exactLog(num(x)) / exactLog(b)
          }),
      },
    ]),
    defineScalar('POWER', [
      { params: [D, D], returns: DOUBLE, build: () => nullSafe(([b, e]) => Math.pow(num(b), num(e))) },
    ]),
    defineScalar('RANDOM', [{ params: [], returns: DOUBLE, build: () => () => Math.random() }]),
    defineScalar('PI', [{ params: [], returns: DOUBLE, build: () => () => Math.PI }]),
    unaryDouble('ACOS', Math.acos),
    unaryDouble('ASIN', Math.asin),
    unaryDouble('ATAN', Math.atan),
    defineScalar('ATAN2', [
      { params: [D, D], returns: DOUBLE, build: () => nullSafe(([y, x]) => Math.atan2(num(y), num(x))) },
    ]),
    unaryDouble('COS', Math.cos),
    unaryDouble('COSH', Math.cosh),
    unaryDouble('COT', (x) => 1 / Math.tan(x)),
    unaryDouble('SIN', Math.sin),
    unaryDouble('SINH', Math.sinh),
    unaryDouble('TAN', Math.tan),
    unaryDouble('TANH', Math.tanh),
    unaryDouble('DEGREES', (x) => x * RADIANS_TO_DEGREES),
    unaryDouble('RADIANS', (x) => x * DEGREES_TO_RADIANS),
  ]
}
