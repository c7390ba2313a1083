import { RecordError } from '../types/record-error.ts'
import { BYTES, INTEGER, STRING, array, map } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, nullSafe } from './signature.ts'
import { cachedRegex } from './string.ts'

/** Less common string functions: ELT, FIELD, SPLIT_TO_MAP, TO_BYTES, FROM_BYTES and regex splitting. */
const S = P.t(STRING)
const I = P.t(INTEGER)
const B = P.t(BYTES)
const str = (v: unknown): string => v as string

const ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  hex: 'hex',
  utf8: 'utf8',
  ascii: 'latin1',
  base64: 'base64',
}

function encodingOf(name: string): BufferEncoding {
  const encoding = ENCODINGS[name.toLowerCase()]
  if (encoding === undefined) {
    throw new RecordError(`Supported input and output encodings are: hex, utf8, ascii and base64`)
  }
  return encoding
}

export function stringExtraFunctions(): ScalarFunction[] {
  return [
    defineScalar('ELT', [
      {
        params: [I, S],
        variadic: true,
        returns: STRING,
        build: () => (args) => {
          const n = args[0]
          if (n === null || n === undefined) return null
          const index = n as number
          return index < 1 || index >= args.length ? null : (args[index] ?? null)
        },
      },
    ]),
    defineScalar('FIELD', [
      {
        params: [S, S],
        variadic: true,
        returns: INTEGER,
        build: () => (args) => {
          const needle = args[0]
          if (needle === null || needle === undefined) return 0
          for (let i = 1; i < args.length; i++) if (args[i] === needle) return i
          return 0
        },
      },
    ]),
    defineScalar('SPLIT_TO_MAP', [
      {
        params: [S, S, S],
        returns: map(STRING, STRING),
        build: () =>
          nullSafe(([input, entryDelimiter, kvDelimiter]) => {
            const entry = str(entryDelimiter)
            const kv = str(kvDelimiter)
            if (entry === '' || kv === '' || entry === kv) return null
            const out = new Map<string, string>()
            for (const part of str(input).split(entry)) {
              const cut = part.indexOf(kv)
              if (cut < 0) continue
              out.set(part.slice(0, cut), part.slice(cut + kv.length))
            }
            return out
          }),
      },
    ]),
    defineScalar('TO_BYTES', [
      {
        params: [S, S],
        returns: BYTES,
        build: () => nullSafe(([s, e]) => Buffer.from(str(s), encodingOf(str(e)))),
      },
    ]),
    defineScalar('FROM_BYTES', [
      {
        params: [B, S],
        returns: STRING,
        build: () => nullSafe(([b, e]) => (b as Buffer).toString(encodingOf(str(e)))),
      },
    ]),
    defineScalar('ENCODE', [
      {
        params: [S, S, S],
        returns: STRING,
        build: () =>
          nullSafe(([s, from, to]) =>
            Buffer.from(str(s), encodingOf(str(from))).toString(encodingOf(str(to))),
          ),
      },
    ]),
    defineScalar('REGEXP_EXTRACT_ALL', [
      {
        params: [S, S],
        returns: array(STRING),
        build: () => nullSafe(([re, s]) => [...str(s).matchAll(cachedRegex(str(re), 'g'))].map((m) => m[0])),
      },
      {
        params: [S, S, I],
        returns: array(STRING),
        build: () =>
          nullSafe(([re, s, g]) =>
            [...str(s).matchAll(cachedRegex(str(re), 'g'))].map((m) => m[g as number] ?? null),
          ),
      },
    ]),
    defineScalar('REGEXP_SPLIT_TO_ARRAY', [
      {
        params: [S, S],
        returns: array(STRING),
        build: () => nullSafe(([s, re]) => str(s).split(cachedRegex(str(re), ''))),
      },
    ]),
  ]
}
