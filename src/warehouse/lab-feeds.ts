import type { FeedConfig } from '../config/config-schema.ts'

/**
 * The feeds that land the lab's ksqlDB tables (ksql/V0000*.sql) in the lab's MySQL tables
 * (database/schema.sql), whose names and columns differ: add them to `feeds` in dip.config.yaml.
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
