/** QTT `post` assertions on the metastore after a case ran: sources (schema text, formats) and topics. */
import type { Engine, SourceInfo } from '../../src/ksql-engine/engine-api.ts'
import { formatSqlType } from '../../src/ksql-engine/types/sql-type.ts'
import type { QttFormatSpec, QttPost, QttPostSource } from './qtt-case.ts'

/** `K INT KEY, V STRING` as ksqlDB prints a source schema (tables mark keys `PRIMARY KEY`). */
export function schemaText(source: SourceInfo): string {
  return source.columns
    .map((c) => {
      const suffix =
        c.namespace === 'KEY'
          ? source.type === 'TABLE'
            ? ' PRIMARY KEY'
            : ' KEY'
          : c.namespace === 'HEADERS'
            ? ' HEADERS'
            : ''
      return `${c.name} ${formatSqlType(c.type)}${suffix}`
    })
    .join(', ')
}

/** Spelling-insensitive form: no quotes or spaces, synonyms folded. */
export function normalizeSchema(schema: string): string {
  return (
    schema
      .replaceAll('`', '')
      .toUpperCase()
      .replace(/\bINTEGER\b/g, 'INT')
      .replace(/\bVARCHAR\b/g, 'STRING')
      // A table's key columns print as `PRIMARY KEY` or `KEY` depending on the upstream version.
      .replace(/\bPRIMARY\s+KEY\b/g, 'KEY')
      .replace(/\s+/g, '')
  )
}

export function postProblems(post: QttPost | undefined, engine: Engine): string[] {
  if (post === undefined) return []
  const problems: string[] = []
  const sources = engine.sources()
  for (const expected of post.sources ?? []) {
    const actual = sources.find((s) => s.name.toUpperCase() === expected.name.toUpperCase())
    if (actual === undefined) {
      problems.push(`post: source ${expected.name} missing`)
      continue
    }
    problems.push(...sourceProblems(expected, actual))
  }
  const topics = post.topics
  if (topics !== undefined) {
    const names = engine.topics()
    if (topics.blacklist !== undefined) {
      const re = new RegExp(`^(?:${topics.blacklist})$`)
      const hit = names.find((t) => re.test(t))
      if (hit !== undefined)
        problems.push(`post: topic ${hit} must not exist (blacklist ${topics.blacklist})`)
    }
    for (const t of topics.topics ?? []) {
      if (!names.includes(t.name)) {
        problems.push(`post: topic ${t.name} missing`)
        continue
      }
      const owner = sources.find((s) => s.topic === t.name)
      if (owner === undefined) continue
      const key = formatName(t.keyFormat)
      if (key !== null && key !== owner.keyFormat)
        problems.push(`post: topic ${t.name} key format ${owner.keyFormat} ≠ ${key}`)
      const value = formatName(t.valueFormat)
      if (value !== null && value !== owner.valueFormat) {
        problems.push(`post: topic ${t.name} value format ${owner.valueFormat} ≠ ${value}`)
      }
    }
  }
  return problems
}

function sourceProblems(expected: QttPostSource, actual: SourceInfo): string[] {
  const problems: string[] = []
  const name = expected.name
  if (expected.type !== undefined && expected.type.toUpperCase() !== actual.type) {
    problems.push(`post: ${name} is a ${actual.type.toLowerCase()}, expected ${expected.type}`)
  }
  if (
    expected.schema !== undefined &&
    normalizeSchema(expected.schema) !== normalizeSchema(schemaText(actual))
  ) {
    problems.push(`post: ${name} schema "${schemaText(actual)}" ≠ "${expected.schema}"`)
  }
  const keyFormat = formatName(expected.keyFormat)
  if (keyFormat !== null && keyFormat !== actual.keyFormat) {
    problems.push(`post: ${name} key format ${actual.keyFormat} ≠ ${keyFormat}`)
  }
  const valueFormat = formatName(expected.valueFormat)
  if (valueFormat !== null && valueFormat !== actual.valueFormat) {
    problems.push(`post: ${name} value format ${actual.valueFormat} ≠ ${valueFormat}`)
  }
  const keyFeatures = expected.keyFeatures ?? featuresOf(expected.keyFormat)
  if (keyFeatures !== undefined && !sameSet(keyFeatures, actual.keyFeatures)) {
    problems.push(`post: ${name} key features [${actual.keyFeatures.join(',')}] ≠ [${keyFeatures.join(',')}]`)
  }
  const valueFeatures = expected.valueFeatures ?? featuresOf(expected.valueFormat)
  if (valueFeatures !== undefined && !sameSet(valueFeatures, actual.valueFeatures)) {
    problems.push(
      `post: ${name} value features [${actual.valueFeatures.join(',')}] ≠ [${valueFeatures.join(',')}]`,
    )
  }
  if (expected.isSource !== undefined && expected.isSource !== actual.isSource) {
    problems.push(`post: ${name} isSource ${actual.isSource} ≠ ${expected.isSource}`)
  }
  return problems
}

function formatName(spec: QttFormatSpec | string | undefined): string | null {
  if (spec === undefined) return null
  const format = typeof spec === 'string' ? spec : spec.format
  return format === undefined ? null : format.toUpperCase()
}

function featuresOf(spec: QttFormatSpec | undefined): readonly string[] | undefined {
  return spec?.features
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a.map((x) => x.toUpperCase()))
  const sb = new Set(b.map((x) => x.toUpperCase()))
  return sa.size === sb.size && [...sa].every((x) => sb.has(x))
}
