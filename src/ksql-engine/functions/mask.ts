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
  if ([...text].length !== 1) {
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

function maskCodePoint(ch: string, m: Masker): string {
  const code = ch.charCodeAt(0)
  // ASCII fast path; other code points are classified with Unicode property escapes.
  const replacement =
    code < 128
      ? code >= 65 && code <= 90
        ? m.upper
        : code >= 97 && code <= 122
          ? m.lower
          : code >= 48 && code <= 57
            ? m.digit
            : m.other
      : UPPER.test(ch)
        ? m.upper
        : LOWER.test(ch)
          ? m.lower
          : DIGIT.test(ch)
            ? m.digit
            : m.other
  return replacement ?? ch
}

/** Masks code points in [from, to) of `input`. */
function maskRange(input: string, from: number, to: number, m: Masker): string {
  let out = ''
  let i = 0
  for (const ch of input) {
    out += i >= from && i < to ? maskCodePoint(ch, m) : ch
    i++
  }
  return out
}

/** Number of code points (not UTF-16 units). */
function codePointLength(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdbff) n++
  }
  return n
}

type Region = (length: number, n: number) => readonly [number, number]

const S = P.t(STRING)
const I = P.t(INTEGER)

function maskFunction(name: string, region: Region | undefined): ScalarFunction {
  const withCount = region !== undefined
  const base = withCount ? [S, I] : [S]
  const offset = base.length
  const build = () => (args: readonly unknown[]) => {
    const input = args[0]
    if (input === null || input === undefined) return null
    const masker = maskerFrom(args, offset)
    const text = input as string
    const length = codePointLength(text)
    if (region === undefined) return maskRange(text, 0, length, masker)
    const n = args[1]
    if (n === null || n === undefined) return null
    if ((n as number) < 0) {
      throw new RecordError(`function ${name} requires a non-negative number of characters to mask or skip`)
    }
    const [from, to] = region(length, n as number)
    return maskRange(text, from, to, masker)
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
