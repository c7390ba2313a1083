/**
 * QTT case files (ksqlDB's query-validation tests): loading, `//` comment stripping and expansion of
 * one test into the cases we run (one per `{FORMAT}` entry), with the reason when a case is skipped.
 */
import { readFileSync } from 'node:fs'

export interface QttWindow {
  readonly start: number
  readonly end: number
  readonly type: 'time' | 'session'
}

export interface QttRecord {
  readonly topic: string
  readonly key?: unknown
  readonly value: unknown
  readonly timestamp?: number
  readonly window?: QttWindow
  readonly headers?: unknown
}

export interface QttTopic {
  readonly name: string
  readonly partitions?: number
  readonly replicas?: number
  readonly keyFormat?: string
  readonly valueFormat?: string
  readonly keySchema?: unknown
  readonly valueSchema?: unknown
}

export interface QttFormatSpec {
  readonly format?: string
  readonly features?: readonly string[]
  readonly properties?: Readonly<Record<string, unknown>>
}

export interface QttPostSource {
  readonly name: string
  readonly type?: 'stream' | 'table'
  readonly schema?: string
  readonly keyFormat?: QttFormatSpec
  readonly valueFormat?: QttFormatSpec
  readonly keyFeatures?: readonly string[]
  readonly valueFeatures?: readonly string[]
  readonly isSource?: boolean
}

export interface QttPostTopic {
  readonly name: string
  readonly partitions?: number
  readonly keyFormat?: QttFormatSpec | string
  readonly valueFormat?: QttFormatSpec | string
}

export interface QttPost {
  readonly sources?: readonly QttPostSource[]
  readonly topics?: { readonly topics?: readonly QttPostTopic[]; readonly blacklist?: string }
}

export interface QttExpectedError {
  readonly type?: string
  readonly message?: string
  readonly status?: number
  /** Runtime failures (StreamsException) name the underlying error here. */
  readonly cause?: string
  readonly causeMessage?: string
}

export type QttResponse =
  | { readonly admin: Readonly<Record<string, unknown>> }
  | { readonly query: readonly Readonly<Record<string, unknown>>[] }

export interface QttTest {
  readonly name: string
  readonly statements: readonly string[]
  readonly format?: readonly string[]
  readonly properties?: Readonly<Record<string, unknown>>
  readonly config?: Readonly<Record<string, unknown>>
  readonly topics?: readonly QttTopic[]
  readonly inputs?: readonly QttRecord[]
  readonly outputs?: readonly QttRecord[]
  readonly expectedException?: QttExpectedError
  readonly expectedError?: QttExpectedError
  readonly responses?: readonly QttResponse[]
  readonly post?: QttPost
  readonly enabled?: boolean
  readonly versions?: { readonly min?: string; readonly max?: string }
}

export interface QttFile {
  readonly tests: readonly QttTest[]
}

/** A case ready to run: `{FORMAT}` already substituted everywhere. */
export interface QttCase {
  readonly file: string
  /** `name` or `name - FORMAT` for expanded cases. */
  readonly name: string
  readonly format: string | null
  readonly test: QttTest
}

export type ExpandedCase =
  | { readonly kind: 'run'; readonly case: QttCase }
  | { readonly kind: 'skip'; readonly file: string; readonly name: string; readonly reason: string }

/** Formats of the lab subset: other formats need a Schema Registry and are out of scope. */
export const RUNNABLE_FORMATS: readonly string[] = ['JSON', 'DELIMITED', 'KAFKA']
const REGISTRY_FORMAT = /\b(AVRO|PROTOBUF(?:_NOSR)?|JSON_SR)\b/i
const FORMAT_PROPERTY = /\b(?:KEY_|VALUE_)?FORMAT\s*=\s*'(AVRO|PROTOBUF(?:_NOSR)?|JSON_SR)'/i
/** The version of the corpus (ksqlDB master after 8.x): tests gated below it are skipped. */
export const CORPUS_VERSION = '8.4.0'

/** Removes `//` line comments outside string literals (a few upstream files carry them). */
export function stripLineComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (inString) {
      out += c
      if (c === '\\') {
        out += text[i + 1] ?? ''
        i++
      } else if (c === '"') inString = false
      continue
    }
    if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else out += c
  }
  return out
}

export function parseQttFile(text: string, file: string): QttFile {
  let parsed: unknown
  try {
    parsed = JSON.parse(stripLineComments(text))
  } catch (e) {
    throw new Error(`${file}: not valid JSON after removing // comments (${(e as Error).message})`)
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray((parsed as { tests?: unknown }).tests)
  ) {
    throw new Error(`${file}: expected an object with a "tests" array`)
  }
  return parsed as QttFile
}

export function loadQttFile(path: string, file: string): QttFile {
  return parseQttFile(readFileSync(path, 'utf8'), file)
}

export function expandFile(file: string, qtt: QttFile): ExpandedCase[] {
  return qtt.tests.flatMap((test) => expandTest(file, test))
}

export function expandTest(file: string, test: QttTest): ExpandedCase[] {
  const skip = (name: string, reason: string): ExpandedCase => ({ kind: 'skip', file, name, reason })
  if (test.enabled === false) return [skip(test.name, 'disabled upstream (enabled: false)')]
  if (test.versions?.max !== undefined && compareVersions(test.versions.max, CORPUS_VERSION) < 0) {
    return [skip(test.name, `only for versions up to ${test.versions.max}`)]
  }
  if (test.versions?.min !== undefined && compareVersions(test.versions.min, CORPUS_VERSION) > 0) {
    return [skip(test.name, `only for versions from ${test.versions.min}`)]
  }
  const formats = test.format ?? [null]
  return formats.map((format) => {
    const name = format === null ? test.name : `${test.name} - ${format}`
    if (format !== null && !RUNNABLE_FORMATS.includes(format.toUpperCase())) {
      return skip(name, `format ${format} needs a Schema Registry`)
    }
    const expanded = format === null ? test : substituteFormat(test, format)
    const registry = registryFormatUse(expanded)
    if (registry !== null) return skip(name, `uses ${registry.toUpperCase()} (needs a Schema Registry)`)
    return { kind: 'run', case: { file, name, format, test: expanded } }
  })
}

function substituteFormat(test: QttTest, format: string): QttTest {
  return JSON.parse(JSON.stringify(test).replaceAll('{FORMAT}', format)) as QttTest
}

/** A Schema-Registry format used by a statement, a pre-created topic or a default-format property. */
function registryFormatUse(test: QttTest): string | null {
  for (const statement of test.statements) {
    const m = FORMAT_PROPERTY.exec(statement)
    if (m) return m[1]!
  }
  for (const topic of test.topics ?? []) {
    for (const f of [topic.keyFormat, topic.valueFormat]) {
      if (f !== undefined && REGISTRY_FORMAT.test(f)) return f
    }
  }
  for (const props of [test.properties, test.config]) {
    for (const [name, value] of Object.entries(props ?? {})) {
      if (/default\.format/.test(name) && typeof value === 'string' && REGISTRY_FORMAT.test(value))
        return value
    }
  }
  return null
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0)
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
