import { createJsonTextWriter } from '../serde/json-values.ts'
import { BOOLEAN, INTEGER, STRING, array, map } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, nullSafe } from './signature.ts'

/**
 * JSON text functions. EXTRACTJSONFIELD(json, '$.a.b[0]') returns the addressed node as text:
 * strings unquoted, other nodes as compact JSON; NULL when the path or the JSON is invalid.
 */
const S = P.t(STRING)

type PathStep = string | number

const pathCache = new Map<string, PathStep[] | null>()

export function parseJsonPath(path: string): PathStep[] | null {
  const cached = pathCache.get(path)
  if (cached !== undefined) return cached
  let steps: PathStep[] | null = []
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy
  if (!path.startsWith('$')) steps = null
  else {
    re.lastIndex = 1
    let pos = 1
    while (pos < path.length) {
      const m = re.exec(path)
      if (m === null) {
        steps = null
        break
      }
      if (m[1] !== undefined) steps.push(m[1])
      else if (m[2] !== undefined) steps.push(Number(m[2]))
      else steps.push(m[3] ?? m[4] ?? '')
      pos = re.lastIndex
    }
  }
  if (pathCache.size > 1000) pathCache.clear()
  pathCache.set(path, steps)
  return steps
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function extractJsonField(json: string, path: string): string | null {
  const steps = parseJsonPath(path)
  if (steps === null) return null
  let node = parseJson(json)
  for (const step of steps) {
    if (node === null || node === undefined || typeof node !== 'object') return null
    node =
      typeof step === 'number'
        ? Array.isArray(node)
          ? node[step]
          : undefined
        : (node as Record<string, unknown>)[step]
  }
  if (node === undefined || node === null) return null
  return typeof node === 'string' ? node : JSON.stringify(node)
}

export function jsonFunctions(): ScalarFunction[] {
  return [
    defineScalar('EXTRACTJSONFIELD', [
      {
        params: [S, S],
        returns: STRING,
        build: () => nullSafe(([j, p]) => extractJsonField(j as string, p as string)),
      },
    ]),
    defineScalar('TO_JSON_STRING', [
      {
        params: [P.any],
        returns: STRING,
        build: (ctx) => {
          const type = ctx.types[0]
          if (type === null || type === undefined) return () => 'null'
          const write = createJsonTextWriter(type)
          return ([v]) => write(v)
        },
      },
    ]),
    defineScalar('JSON_RECORDS', [
      {
        params: [S],
        returns: map(STRING, STRING),
        build: () =>
          nullSafe(([j]) => {
            const v = parseJson(j as string)
            if (v === null || typeof v !== 'object' || Array.isArray(v)) return null
            return new Map(
              Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, JSON.stringify(x)]),
            )
          }),
      },
    ]),
    defineScalar('JSON_ITEMS', [
      {
        params: [S],
        returns: array(STRING),
        build: () =>
          nullSafe(([j]) => {
            const v = parseJson(j as string)
            return Array.isArray(v) ? v.map((x) => JSON.stringify(x)) : null
          }),
      },
    ]),
    defineScalar('JSON_ARRAY_CONTAINS', [
      {
        params: [S, P.any],
        returns: BOOLEAN,
        build:
          () =>
          ([j, needle]) => {
            if (j === null || j === undefined) return false
            const v = parseJson(j as string)
            if (!Array.isArray(v)) return false
            return v.some(
              (x) =>
                x === (needle ?? null) || (typeof x === 'number' && Number(needle) === x && needle !== null),
            )
          },
      },
    ]),
    defineScalar('IS_JSON_STRING', [
      {
        params: [S],
        returns: BOOLEAN,
        build:
          () =>
          ([j]) =>
            j !== null && j !== undefined && parseJson(j as string) !== undefined,
      },
    ]),
    defineScalar('JSON_ARRAY_LENGTH', [
      {
        params: [S],
        returns: INTEGER,
        build: () =>
          nullSafe(([j]) => {
            const v = parseJson(j as string)
            return Array.isArray(v) ? v.length : null
          }),
      },
    ]),
    defineScalar('JSON_KEYS', [
      {
        params: [S],
        returns: array(STRING),
        build: () =>
          nullSafe(([j]) => {
            const v = parseJson(j as string)
            return v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : null
          }),
      },
    ]),
  ]
}
