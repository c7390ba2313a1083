import type { Reporter } from '../app/reporter.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import { quoteIdentifier } from '../mysql/quote-identifier.ts'

/** One row of the lab's summary: a topic, what Kafka holds and what each sink made of it. */
export interface LabFeedRow {
  readonly topic: string
  /**
   * Offsets on the broker now (high − low watermark, every partition). A topic written in Kafka
   * transactions (every ksqlDB query's output) also spends one offset per commit marker.
   */
  readonly topicOffsets: number
  readonly lakeFiles: number
  readonly lakeRows: number
  /** Rows of the MySQL table the warehouse sink writes from this topic; null when it writes none. */
  readonly warehouseTable: string | null
  readonly warehouseRows: number | null
}

export interface LabAggregates {
  /** From the lake's transaction_log view: every event the lake holds, not only this run's. */
  readonly perTransactionType: readonly { type: string; count: number; totalAmount: number }[]
  readonly topProducts: readonly { productId: string; count: number }[]
}

/** A warehouse table the sink wrote, as the sink reported it. */
export interface SunkTable {
  readonly table: string
  readonly topic: string
}

const RAW_TOPIC = 'transaction_log'

/**
 * Counts what is in Kafka, the lake and MySQL now (not what this run added), so a re-run's summary
 * shows the whole lab and can be checked against the topics.
 */
export async function summarize(
  loaded: LoadedConfig,
  kafka: KafkaPorts,
  sunk: readonly SunkTable[],
): Promise<{ feeds: LabFeedRow[]; aggregates: LabAggregates }> {
  const { scanLake } = await import('../lake-tools/lake-tree.ts')
  const { openLakeDuck, queryLake, countRows } = await import('../lake-tools/lake-duck.ts')
  const entries = (await scanLake(loaded.lakeRoot)).filter((entry) => entry.area !== '_errors')
  const lake = await openLakeDuck(loaded.lakeRoot, entries)
  try {
    const rowsPerFile = await countRows(entries, async () => lake.duck)
    const tableRows = await countTableRows(loaded, sunk)
    const admin = kafka.admin()
    const feeds: LabFeedRow[] = []
    try {
      const names = [...new Set([...entries.map((entry) => entry.feed), ...sunk.map((t) => t.topic)])].sort()
      for (const feed of names) {
        const files = entries.filter((entry) => entry.feed === feed)
        const offsets = await admin.topicOffsets(feed).catch(() => [])
        const table = sunk.find((t) => t.topic === feed)?.table ?? null
        feeds.push({
          topic: feed,
          topicOffsets: Number(offsets.reduce((sum, p) => sum + (p.high - p.low), 0n)),
          lakeFiles: files.length,
          lakeRows: files.reduce((sum, entry) => sum + (rowsPerFile.get(entry.path) ?? 0), 0),
          warehouseTable: table,
          warehouseRows: table === null ? null : (tableRows.get(table) ?? 0),
        })
      }
    } finally {
      await admin.close()
    }
    const hasRaw = lake.views.some((view) => view.name === RAW_TOPIC)
    if (!hasRaw) return { feeds, aggregates: { perTransactionType: [], topProducts: [] } }
    const perType = await queryLake(
      lake.duck,
      `SELECT transaction_type AS type, COUNT(*) AS count, ROUND(SUM(amount), 2) AS total
         FROM ${RAW_TOPIC} GROUP BY transaction_type ORDER BY transaction_type`,
    )
    const top = await queryLake(
      lake.duck,
      // The lake keeps ksqlDB's upper-case column names: alias so the row key is known.
      `SELECT product_id AS product, COUNT(*) AS count FROM ${RAW_TOPIC} WHERE product_id IS NOT NULL
         GROUP BY product_id ORDER BY count DESC, product_id LIMIT 3`,
    )
    return {
      feeds,
      aggregates: {
        perTransactionType: perType.rows.map((row) => ({
          type: String(row['type']),
          count: Number(row['count']),
          totalAmount: Number(row['total']),
        })),
        topProducts: top.rows.map((row) => ({
          productId: String(row['product']),
          count: Number(row['count']),
        })),
      },
    }
  } finally {
    lake.close()
  }
}

/** COUNT(*) of each warehouse table: the rows MySQL holds, whichever run wrote them. */
async function countTableRows(
  loaded: LoadedConfig,
  sunk: readonly SunkTable[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  if (sunk.length === 0) return counts
  const { connectMysql } = await import('../mysql/connect.ts')
  const pool = await connectMysql(loaded.config.mysql)
  try {
    for (const { table } of sunk) {
      const { rows } = await pool.query(`SELECT COUNT(*) AS n FROM ${quoteIdentifier(table, 'MySQL table')}`)
      counts.set(table, Number(rows[0]?.['n'] ?? 0))
    }
  } finally {
    await pool.end()
  }
  return counts
}

export interface PrintableSummary {
  readonly feeds: readonly LabFeedRow[]
  readonly aggregates: LabAggregates
}

/** The summary as three tables: per topic, per transaction type, top products. */
export function printSummary(summary: PrintableSummary, reporter: Reporter): void {
  if (reporter.json) return
  const n = (value: number) => value.toLocaleString('en-US')
  reporter.info('')
  reporter.table(
    summary.feeds.map((feed) => [
      feed.topic,
      n(feed.topicOffsets),
      n(feed.lakeFiles),
      n(feed.lakeRows),
      feed.warehouseRows === null ? '' : n(feed.warehouseRows),
    ]),
    { header: ['topic', 'offsets', 'lake files', 'lake rows', 'warehouse rows'] },
  )
  reporter.info('(offsets: records plus the commit markers of transactional writers such as ksqlDB queries)')
  reporter.info('')
  reporter.table(
    summary.aggregates.perTransactionType.map((row) => [row.type, n(row.count), row.totalAmount.toFixed(2)]),
    { header: ['transaction type', 'count', 'total amount'] },
  )
  reporter.info('')
  reporter.table(
    summary.aggregates.topProducts.map((row) => [row.productId, n(row.count)]),
    { header: ['top product', 'transactions'] },
  )
}
