import type { FeedConfig } from '../config/config-schema.ts'
import type { WarehouseSource } from './source-schema.ts'

/**
 * The feeds that land the lab's ksqlDB tables (ksql/V0000*.sql) in the lab's MySQL tables
 * (database/schema.sql), whose names and columns differ. The warehouse sink uses them for these
 * topics unless dip.config.yaml has a feed for the topic, so `dip lab` fills the schema it applies.
 * Columns the lab schema has no place for are left out; the window bounds of the hopping table go
 * to its window_*_time columns (WINDOW_START / WINDOW_END repeat them as values).
 */
export const LAB_WAREHOUSE_FEEDS: readonly FeedConfig[] = [
  {
    topic: 'SPENT_PER_USER_AND_TYPE',
    kind: 'table',
    enabled: true,
    warehouseTable: 'total_depense_par_user_type',
    columns: { TOTAL_SPENT_USD: 'total_depense_usd' },
  },
  {
    topic: 'TRANSACTION_STATUS_HISTORY',
    kind: 'table',
    enabled: true,
    warehouseTable: 'transaction_lifecycle',
    ignoreColumns: ['CURRENT_STATUS', 'UPDATE_COUNT'],
  },
  {
    topic: 'SLIDING_AMOUNT_PER_TYPE',
    kind: 'table',
    enabled: true,
    warehouseTable: 'total_par_type_5min_sliding',
    columns: { WINDOWSTART: 'window_start_time', WINDOWEND: 'window_end_time' },
    ignoreColumns: ['WINDOW_START', 'WINDOW_END', 'TRANSACTION_COUNT_5MIN'],
  },
  {
    topic: 'PRODUCT_PURCHASES',
    kind: 'table',
    enabled: true,
    warehouseTable: 'product_purchase_counts',
    ignoreColumns: ['TOTAL_QUANTITY'],
  },
]

/**
 * The lab's feed for a ksqlDB table of that topic, when the table has every column the feed names
 * (a project's own table that merely shares a lab topic name keeps its default table).
 */
export function labFeedFor(source: WarehouseSource): FeedConfig | undefined {
  const feed = LAB_WAREHOUSE_FEEDS.find((candidate) => candidate.topic === source.topic)
  if (feed === undefined) return undefined
  const known = new Set(source.columns.map((column) => column.name.toUpperCase()))
  const named = [...Object.keys(feed.columns ?? {}), ...(feed.ignoreColumns ?? [])]
  return named.every((name) => known.has(name.toUpperCase())) ? feed : undefined
}

/** The MySQL table a topic's rows may be in: its feed's table (the config's, else the lab's) and its own name. */
export function warehouseTablesOf(topic: string, configFeeds: readonly FeedConfig[]): string[] {
  const feed =
    configFeeds.find((candidate) => candidate.topic === topic) ??
    LAB_WAREHOUSE_FEEDS.find((candidate) => candidate.topic === topic)
  return [...new Set([feed?.warehouseTable ?? topic, topic].map((name) => name.toLowerCase()))]
}
