import type { FeedConfig } from '../config/config-schema.ts'
import { isKsqlUnreachable, type KsqlClient } from '../ksql-client/index.ts'
import type { SourceSchema } from '../ksql-client/source-schema.ts'
import { EVENTS_STREAM, VERSIONS_TABLE } from '../ksql-migrations/migration-metadata.ts'

/** One topic to sink, with the ksqlDB schema that says how to decode it when the server knows it. */
export interface Feed {
  readonly topic: string
  readonly kind: 'stream' | 'table'
  /** Where dip learned about the topic. */
  readonly origin: 'ksql' | 'config' | 'flag'
  /** null: no ksqlDB schema; records are decoded generically (JSON when parseable). */
  readonly schema: SourceSchema | null
}

export interface ResolvedFeeds {
  readonly feeds: readonly Feed[]
  /** False when the ksqlDB server could not be asked (the feeds then come from config alone). */
  readonly ksqlReachable: boolean
  readonly warnings: readonly FeedWarning[]
}

/** A warning about one topic (null: about the whole run), so a sink prints only what concerns it. */
export interface FeedWarning {
  readonly topic: string | null
  readonly message: string
}

/**
 * The warnings a sink of `topics` should print: the general ones and those about its own topics.
 * The lake and the warehouse resolve the same sources; a note about a stream topic only the lake
 * reads would otherwise be printed by both, twice per lab run or orchestrator cycle.
 */
export function warningsFor(warnings: readonly FeedWarning[], topics: Iterable<string>): string[] {
  const own = new Set(topics)
  return warnings.filter((w) => w.topic === null || own.has(w.topic)).map((w) => w.message)
}

export interface ResolveFeedsOptions {
  /** `--topics`: exactly these topics (overrides discovery and config). */
  readonly topics?: readonly string[] | undefined
  readonly configFeeds: readonly FeedConfig[]
  /** null: do not ask ksqlDB at all. */
  readonly ksql: KsqlClient | null
}

/**
 * ksqlDB's own processing log is a stream too, but it is diagnostics, not lab data; likewise the
 * bookkeeping stream and table `dip ksql apply` keeps (as ksql-migrations does).
 */
const SKIPPED_SOURCES = new Set(['KSQL_PROCESSING_LOG', EVENTS_STREAM, VERSIONS_TABLE])

/**
 * Which topics a sink reads: every stream and table the ksqlDB server reports (with its schema),
 * plus the enabled config feeds; `--topics` replaces both. Without a reachable server the config
 * feeds alone are used and a warning says so.
 */
export async function resolveFeeds(options: ResolveFeedsOptions): Promise<ResolvedFeeds> {
  const warnings: FeedWarning[] = []
  let sources: SourceSchema[] = []
  let ksqlReachable = false
  if (options.ksql !== null) {
    try {
      sources = await fetchSourceSchemas(options.ksql)
      ksqlReachable = true
    } catch (error) {
      if (!isKsqlUnreachable(error)) throw error
      warnings.push({
        topic: null,
        message:
          options.topics === undefined
            ? `ksqlDB server at ${options.ksql.url} is not reachable: using the feeds of the config file only.`
            : `ksqlDB server at ${options.ksql.url} is not reachable: reading the topics without ksqlDB schemas.`,
      })
    }
  }
  const merged = mergeFeeds({ sources, configFeeds: options.configFeeds, topics: options.topics })
  return { feeds: merged.feeds, ksqlReachable, warnings: [...warnings, ...merged.warnings] }
}

async function fetchSourceSchemas(ksql: KsqlClient): Promise<SourceSchema[]> {
  const summaries = await ksql.listSources()
  const schemas: SourceSchema[] = []
  for (const summary of summaries) {
    if (SKIPPED_SOURCES.has(summary.name)) continue
    schemas.push(await ksql.describe(summary.name))
  }
  return schemas
}

/** Pure: ksqlDB sources + config feeds (+ `--topics`) → the feed list, one feed per topic. */
export function mergeFeeds(input: {
  readonly sources: readonly SourceSchema[]
  readonly configFeeds: readonly FeedConfig[]
  readonly topics?: readonly string[] | undefined
}): { feeds: Feed[]; warnings: FeedWarning[] } {
  const warnings: FeedWarning[] = []
  const byTopic = new Map<string, SourceSchema>()
  for (const source of input.sources) {
    const existing = byTopic.get(source.topic)
    if (existing === undefined) {
      byTopic.set(source.topic, source)
      continue
    }
    const merged = mergeSchemas(existing, source)
    byTopic.set(source.topic, merged)
    warnings.push({
      topic: source.topic,
      message: `${source.name} and ${existing.name} both read topic ${source.topic}; its rows use ${merged.name}'s schema plus the other's extra columns.`,
    })
  }
  const configByTopic = new Map(input.configFeeds.map((feed) => [feed.topic, feed]))
  const fromKsql = (schema: SourceSchema): Feed => ({
    topic: schema.topic,
    kind: schema.kind,
    origin: 'ksql',
    schema,
  })

  if (input.topics !== undefined) {
    const feeds = unique(input.topics).map((topic): Feed => {
      const schema = byTopic.get(topic)
      if (schema !== undefined) return fromKsql(schema)
      return { topic, kind: configByTopic.get(topic)?.kind ?? 'stream', origin: 'flag', schema: null }
    })
    return { feeds, warnings }
  }

  const feeds: Feed[] = []
  for (const schema of byTopic.values()) {
    if (configByTopic.get(schema.topic)?.enabled === false) continue
    feeds.push(fromKsql(schema))
  }
  for (const feed of input.configFeeds) {
    if (!feed.enabled || byTopic.has(feed.topic) || feeds.some((f) => f.topic === feed.topic)) continue
    feeds.push({ topic: feed.topic, kind: feed.kind, origin: 'config', schema: null })
  }
  feeds.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
  return { feeds, warnings }
}

/**
 * Two sources over one topic (a narrow stream and a full-schema one, a stream and a SOURCE TABLE):
 * the wider one's schema, plus every value column only the other declares, so no declared field is
 * dropped from the lake. Same-named columns keep the wider source's type.
 */
export function mergeSchemas(a: SourceSchema, b: SourceSchema): SourceSchema {
  const [base, other] = b.valueColumns.length > a.valueColumns.length ? [b, a] : [a, b]
  const known = new Set(base.valueColumns.map((column) => column.name.toUpperCase()))
  const extra = other.valueColumns.filter((column) => !known.has(column.name.toUpperCase()))
  const keys = base.keyColumns.length > 0 || other.keyColumns.length === 0 ? base : other
  return {
    ...base,
    keyFormat: keys.keyFormat,
    keyColumns: keys.keyColumns,
    valueColumns: [...base.valueColumns, ...extra],
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}
