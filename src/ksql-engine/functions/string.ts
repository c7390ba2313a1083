import { hash, randomUUID } from 'node:crypto'

import { BYTES, INTEGER, STRING, array } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, nullSafe } from './signature.ts'

/** String functions (ksqlDB's UDFs of the same names; Java String semantics, UTF-16 indexes). */
const S = P.t(STRING)
const I = P.t(INTEGER)
const B = P.t(BYTES)

const str = (v: unknown): string => v as string
const int = (v: unknown): number => v as number

/** Java's String#trim: strips code units <= U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && s.charCodeAt(start) <= 0x20) start++
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--
  return s.slice(start, end)
}

/** ksqlDB SUBSTRING: 1-based; negative positions count from the end; clamps to the input. */
export function substringBounds(length: number, pos: number, len?: number): readonly [number, number] {
  const start = pos >= 0 ? Math.min(length, Math.max(0, pos - 1)) : Math.max(0, length + pos)
  const end = len === undefined ? length : Math.max(start, Math.min(length, start + len))
  return [start, end]
}

/**
 * ksqlDB's INSTR, quirks included: a position beyond the string gives 0; a negative position searches
 * the reversed string; an occurrence that is not found gives position - 1 (Commons Lang's
 * ordinalIndexOf returns -1 and ksqlDB adds the position back).
 */
function instr(s: string, sub: string, position: number, occurrence: number): number {
  if (Math.abs(position) > s.length) return 0
  if (position < 0) {
    const reversed = [...s].reverse().join('')
    const reversedSub = [...sub].reverse().join('')
    const p = -position
    return s.length - p - ordinalIndexOf(commonsSubstring(reversed, p - 1), reversedSub, occurrence)
  }
  return ordinalIndexOf(commonsSubstring(s, position - 1), sub, occurrence) + position
}

/** StringUtils.substring(str, start): a negative start counts from the end. */
function commonsSubstring(s: string, start: number): string {
  const from = start < 0 ? Math.max(0, s.length + start) : start
  return from > s.length ? '' : s.slice(from)
}

/** StringUtils.ordinalIndexOf: index of the n-th (overlapping) occurrence, -1 when absent. */
function ordinalIndexOf(s: string, search: string, ordinal: number): number {
  if (ordinal <= 0) return -1
  if (search === '') return 0
  let index = -1
  for (let found = 0; found < ordinal; found++) {
    index = s.indexOf(search, index + 1)
    if (index < 0) return -1
  }
  return index
}

function pad(input: string, length: number, padding: string, left: boolean): string | null {
  if (length < 0 || padding === '') return null
  if (input.length >= length) return input.slice(0, length)
  const fill = padding
    .repeat(Math.ceil((length - input.length) / padding.length))
    .slice(0, length - input.length)
  return left ? fill + input : input + fill
}

/**
 * ksqlDB's INITCAP: lower-cases the text, then upper-cases the first UTF-16 unit of every
 * `[^\s]+\s*` run; whitespace before the first word is dropped, as in ksqlDB.
 */
function initcap(s: string): string {
  let out = ''
  for (const part of s.toLowerCase().match(/[^\s]+\s*/g) ?? [])
    out += part.slice(0, 1).toUpperCase() + part.slice(1)
  return out
}

function split(s: string, delimiter: string): string[] {
  // Java's Pattern("").split: one element per UTF-16 unit, and [""] for an empty string.
  if (delimiter === '') return s === '' ? [''] : s.split('')
  return s.split(delimiter)
}

function splitBytes(b: Buffer, delimiter: Buffer): Buffer[] {
  if (delimiter.length === 0) return [...b].map((byte) => Buffer.from([byte]))
  const parts: Buffer[] = []
  let from = 0
  for (;;) {
    const idx = b.indexOf(delimiter, from)
    if (idx < 0) break
    parts.push(b.subarray(from, idx))
    from = idx + delimiter.length
  }
  parts.push(b.subarray(from))
  return parts
}

function instrOrZero(
  impl: (args: readonly unknown[]) => number,
): (args: readonly unknown[]) => number | null {
  return (args) => {
    if (args[0] == null || args[1] == null) return 0
    return args.some((a) => a == null) ? null : impl(args)
  }
}

const regexCache = new Map<string, RegExp>()
/** One compiled RegExp per (pattern, flags), shared by every regex function; bounded. */
export function cachedRegex(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`
  let re = regexCache.get(key)
  if (re === undefined) {
    re = new RegExp(pattern, flags)
    if (regexCache.size > 1000) regexCache.clear()
    regexCache.set(key, re)
  }
  return re
}

export function stringFunctions(): ScalarFunction[] {
  return [...concatAndSliceFunctions(), ...caseTrimSplitPadFunctions(), ...patternHashFunctions()]
}

function concatAndSliceFunctions(): ScalarFunction[] {
  return [
    defineScalar('CONCAT', [
      {
        params: [S],
        variadic: true,
        returns: STRING,
        build: () => (args) => {
          let out = ''
          for (const a of args) if (a !== null && a !== undefined) out += a as string
          return out
        },
      },
      {
        params: [B],
        variadic: true,
        returns: BYTES,
        build: () => (args) => Buffer.concat(args.filter((a): a is Buffer => a !== null && a !== undefined)),
      },
    ]),
    defineScalar('CONCAT_WS', [
      {
        params: [S, S],
        variadic: true,
        returns: STRING,
        build: () => (args) => {
          const [sep, ...rest] = args
          if (sep === null || sep === undefined) return null
          return rest.filter((a) => a !== null && a !== undefined).join(sep as string)
        },
      },
      {
        params: [B, B],
        variadic: true,
        returns: BYTES,
        build: () => (args) => {
          const [sep, ...rest] = args
          if (sep === null || sep === undefined) return null
          const parts: Buffer[] = []
          for (const a of rest) {
            if (a === null || a === undefined) continue
            if (parts.length > 0) parts.push(sep as Buffer)
            parts.push(a as Buffer)
          }
          return Buffer.concat(parts)
        },
      },
    ]),
    defineScalar('SUBSTRING', [
      {
        params: [S, I],
        returns: STRING,
        build: () => nullSafe(([s, p]) => str(s).slice(...substringBounds(str(s).length, int(p)))),
      },
      {
        params: [S, I, I],
        returns: STRING,
        build: () => nullSafe(([s, p, l]) => str(s).slice(...substringBounds(str(s).length, int(p), int(l)))),
      },
      {
        params: [B, I],
        returns: BYTES,
        build: () =>
          nullSafe(([b, p]) => (b as Buffer).subarray(...substringBounds((b as Buffer).length, int(p)))),
      },
      {
        params: [B, I, I],
        returns: BYTES,
        build: () =>
          nullSafe(([b, p, l]) =>
            (b as Buffer).subarray(...substringBounds((b as Buffer).length, int(p), int(l))),
          ),
      },
    ]),
  ]
}

function caseTrimSplitPadFunctions(): ScalarFunction[] {
  return [
    defineScalar('UCASE', [
      { params: [S], returns: STRING, build: () => nullSafe(([s]) => str(s).toUpperCase()) },
    ]),
    defineScalar('LCASE', [
      { params: [S], returns: STRING, build: () => nullSafe(([s]) => str(s).toLowerCase()) },
    ]),
    defineScalar('LEN', [
      { params: [S], returns: INTEGER, build: () => nullSafe(([s]) => str(s).length) },
      { params: [B], returns: INTEGER, build: () => nullSafe(([b]) => (b as Buffer).length) },
    ]),
    defineScalar('TRIM', [
      { params: [S], returns: STRING, build: () => nullSafe(([s]) => javaTrim(str(s))) },
    ]),
    defineScalar('LTRIM', [
      { params: [S], returns: STRING, build: () => nullSafe(([s]) => str(s).replace(/^\s+/, '')) },
    ]),
    defineScalar('RTRIM', [
      { params: [S], returns: STRING, build: () => nullSafe(([s]) => str(s).replace(/\s+$/, '')) },
    ]),
    defineScalar('REPLACE', [
      {
        params: [S, S, S],
        returns: STRING,
        build: () => nullSafe(([s, from, to]) => str(s).replaceAll(str(from), str(to))),
      },
    ]),
    // INSTR returns 0, not NULL, when the string or substring is NULL (ksqlDB's Instr returns an int).
    defineScalar('INSTR', [
      {
        params: [S, S],
        returns: INTEGER,
        build: () => instrOrZero(([s, sub]) => instr(str(s), str(sub), 1, 1)),
      },
      {
        params: [S, S, I],
        returns: INTEGER,
        build: () => instrOrZero(([s, sub, p]) => instr(str(s), str(sub), int(p), 1)),
      },
      {
        params: [S, S, I, I],
        returns: INTEGER,
        build: () => instrOrZero(([s, sub, p, o]) => instr(str(s), str(sub), int(p), int(o))),
      },
    ]),
    defineScalar('SPLIT', [
      { params: [S, S], returns: array(STRING), build: () => nullSafe(([s, d]) => split(str(s), str(d))) },
      {
        params: [B, B],
        returns: array(BYTES),
        build: () => nullSafe(([b, d]) => splitBytes(b as Buffer, d as Buffer)),
      },
    ]),
    defineScalar(
      'LPAD',
      [
        {
          params: [S, I, S],
          returns: STRING,
          build: () => nullSafe(([s, n, p]) => pad(str(s), int(n), str(p), true)),
        },
      ],
      'LPad',
    ),
    defineScalar('RPAD', [
      {
        params: [S, I, S],
        returns: STRING,
        build: () => nullSafe(([s, n, p]) => pad(str(s), int(n), str(p), false)),
      },
    ]),
    defineScalar('INITCAP', [
      { params: [S], returns: STRING, build: () => nullSafe(([s]) => initcap(str(s))) },
    ]),
  ]
}

function patternHashFunctions(): ScalarFunction[] {
  return [
    defineScalar('REGEXP_REPLACE', [
      {
        params: [S, S, S],
        returns: STRING,
        build: () =>
          nullSafe(([s, re, to]) =>
            str(s).replace(cachedRegex(str(re), 'g'), str(to).replace(/\$(\d)/g, '$$$1')),
          ),
      },
    ]),
    defineScalar('REGEXP_EXTRACT', [
      {
        params: [S, S],
        returns: STRING,
        build: () => nullSafe(([re, s]) => cachedRegex(str(re), '').exec(str(s))?.[0] ?? null),
      },
      {
        params: [S, S, I],
        returns: STRING,
        build: () => nullSafe(([re, s, g]) => cachedRegex(str(re), '').exec(str(s))?.[int(g)] ?? null),
      },
    ]),
    defineScalar('MD5', [
      {
        params: [S],
        returns: STRING,
        // One-shot hashing: no Hash object per call. Strings are hashed as UTF-8.
        build: () => nullSafe(([s]) => hash('md5', str(s), 'hex')),
      },
    ]),
    defineScalar('CHR', [
      { params: [I], returns: STRING, build: () => nullSafe(([n]) => String.fromCodePoint(int(n))) },
      {
        params: [S],
        returns: STRING,
        build: () =>
          nullSafe(([s]) => {
            const m = /^\\u([0-9a-fA-F]{4})$/.exec(str(s))
            return m === null ? null : String.fromCharCode(parseInt(m[1] as string, 16))
          }),
      },
    ]),
    defineScalar('UUID', [{ params: [], returns: STRING, build: () => () => randomUUID() }]),
  ]
}
