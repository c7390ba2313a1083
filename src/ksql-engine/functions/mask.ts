import { RecordError } from '../types/record-error.ts'
import { INTEGER, STRING } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, type Overload } from './signature.ts'

/**
 * MASK family. Each code point is classified as upper-case letter, lower-case letter, decimal digit
 * or other, and replaced by that class's mask character (defaults X, x, n, -). A NULL replacement
 * argument means "leave that class unmasked" (ksqlDB's actual behaviour, despite its docs).
 */
interface Masker {
  readonly upper: string | null
  readonly lower: string | null
  readonly digit: string | null
  readonly other: string | null
}

const DEFAULT_MASKER: Masker = { upper: 'X', lower: 'x', digit: 'n', other: '-' }
const UPPER = /\p{Lu}/u
const LOWER = /\p{Ll}/u
const DIGIT = /\p{Nd}/u

function maskChar(value: unknown): string | null {
  if (value === null || value === undefined) return null
  const text = value as string
  if (text.length !== 1) {
    throw new RecordError(`Invalid mask character. Must be only single character, but was '${text}'`)
  }
  return text
}

function maskerFrom(args: readonly unknown[], offset: number): Masker {
  if (args.length <= offset) return DEFAULT_MASKER
  return {
    upper: maskChar(args[offset]),
    lower: maskChar(args[offset + 1]),
    digit: maskChar(args[offset + 2]),
    other: maskChar(args[offset + 3]),
  }
}

function maskCodePoint(cp: number, m: Masker): string | null {
  // ASCII fast path; other code points are classified with Unicode property escapes.
  if (cp < 128) {
    if (cp >= 65 && cp <= 90) return m.upper
    if (cp >= 97 && cp <= 122) return m.lower
    return cp >= 48 && cp <= 57 ? m.digit : m.other
  }
  const ch = String.fromCodePoint(cp)
  return UPPER.test(ch) ? m.upper : LOWER.test(ch) ? m.lower : DIGIT.test(ch) ? m.digit : m.other
}

/**
 * ksqlDB's Masker walks UTF-16 units and masks the code point starting at each one, so the low half
 * of a surrogate pair is masked again as "other" (an emoji becomes `--`); reproduced as is.
 */
function maskText(input: string, m: Masker): string {
  let out = ''
  for (let i = 0; i < input.length; i++) {
    const cp = input.codePointAt(i) as number
    out += maskCodePoint(cp, m) ?? String.fromCodePoint(cp)
  }
  return out
}

type Region = (length: number, n: number) => readonly [number, number]

const S = P.t(STRING)
const I = P.t(INTEGER)

function maskFunction(name: string, region: Region | undefined): ScalarFunction {
  const displayName = name.toLowerCase()
  const withCount = region !== undefined
  const base = withCount ? [S, I] : [S]
  const offset = base.length
  const build = () => (args: readonly unknown[]) => {
    const input = args[0]
    const masker = maskerFrom(args, offset)
    const n = args[1]
    if (region !== undefined) {
      if (n === null || n === undefined) return null
      // ksqlDB validates the count before looking at the input.
      if ((n as number) < 0) {
        throw new RecordError(
          `function ${displayName} requires a non-negative number of characters to mask or skip`,
        )
      }
    }
    if (input === null || input === undefined) return null
    const text = input as string
    if (region === undefined) return maskText(text, masker)
    const [from, to] = region(text.length, n as number)
    return text.slice(0, from) + maskText(text.slice(from, to), masker) + text.slice(to)
  }
  const overloads: Overload[] = [
    { params: base, returns: STRING, build },
    { params: [...base, S, S, S, S], returns: STRING, build },
  ]
  return defineScalar(name, overloads)
}

export function maskFunctions(): ScalarFunction[] {
  return [
    maskFunction('MASK', undefined),
    maskFunction('MASK_LEFT', (len, n) => [0, Math.min(n, len)]),
    maskFunction('MASK_RIGHT', (len, n) => [Math.max(0, len - n), len]),
    maskFunction('MASK_KEEP_LEFT', (len, n) => [Math.min(n, len), len]),
    maskFunction('MASK_KEEP_RIGHT', (len, n) => [0, Math.max(0, len - n)]),
  ]
}
