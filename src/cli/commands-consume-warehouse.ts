import { Option, type Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { choice, commaList, durationMs, positiveInt } from './parse-flags.ts'

const EXAMPLES = `
Examples:
  $ dip consume warehouse --batch                 write what is new since the last run, then exit
  $ dip consume warehouse                         stream until Ctrl-C (SIGINT/SIGTERM flush and exit 0)
  $ dip consume warehouse --batch --auto-create   create missing MySQL tables from the ksqlDB schema
  $ dip consume warehouse --batch --topics TOTAL_PAR_TYPE_5MIN --json
  $ dip consume warehouse --batch --runner direct  the batch as an Apache Beam pipeline (the default)
  $ dip consume warehouse --batch --runner flink   the same pipeline on an embedded Apache Flink
  $ dip consume warehouse --batch --runner flink --flink-master flink-jm:8081   on your Flink cluster

Every ksqlDB TABLE (and every config feed of kind table) is upserted into one MySQL table:
key columns + value columns, lower-cased (rename with feeds[].columns, e.g. WINDOWSTART:
window_start_time; feeds[].warehouseTable names the table). Rows and the consumed offsets are
committed in one transaction (table dip_offsets), so a crash and a restart write each record once.
Rows MySQL refuses go to dip_rejects with the reason; the run continues. A table that cannot be
written (a column name MySQL refuses, a missing table, a write MySQL refuses) is reported with the
fix and keeps its records for the next run; the other tables are written, then the exit code is 1.
The lab's ksqlDB tables land in the lab schema of database/schema.sql (built-in feeds). Streaming
prints a progress line every 30 s (records, records/s, lag), a warning when the broker stops
answering and a line when it answers again.
--batch runs an Apache Beam pipeline (read → decode/validate → undecodable records as a tagged side
output to dip_rejects → MySQL writer) on Beam's direct runner, in this process; --runner flink runs
it on Apache Flink (Beam's Flink job server, fetched once from Maven Central by dip setup --with-flink).`

interface WarehouseFlags {
  readonly batch?: boolean
  readonly autoCreate?: boolean
  readonly topics?: string[]
  readonly consumer?: string
  readonly group?: string
  readonly maxRows?: number
  readonly recordsPerWrite?: number
  readonly retryFor?: number
  readonly progressEvery?: number
  readonly runner?: 'direct' | 'flink' | 'dip'
  readonly flinkMaster?: string
}

export function registerWarehouseCommand(consume: Command): void {
  consume
    .command('warehouse')
    .description('upsert every ksqlDB table into MySQL, exactly once (positions in dip_offsets)')
    .option('--batch', 'read up to the end offsets seen at start, write, print a summary and exit')
    .option('--auto-create', 'create missing MySQL tables and columns from the ksqlDB schema (DESCRIBE)')
    .option('--topics <list>', 'only these topics, comma-separated', commaList)
    .option('--consumer <name>', "this sink's name in dip_offsets (consumer group dip-<name>)", 'warehouse')
    .option(
      '--group <id>',
      'Kafka consumer group (default dip-<consumer>); positions live in MySQL, not here',
    )
    .option('--max-rows <n>', 'rows per INSERT statement', positiveInt)
    .option('--records-per-write <n>', 'records per MySQL transaction (rows + dip_offsets)', positiveInt)
    .option('--retry-for <duration>', 'give up when MySQL stays unreachable this long', durationMs)
    .option(
      '--progress-every <time>',
      'streaming: a progress line (records, records/s, lag) this often (default 30s)',
      durationMs,
    )
    .addOption(
      new Option(
        '--runner <runner>',
        "batch: the Apache Beam runner (default: config beam.runner, itself direct; flink: Apache Flink through Beam's Flink job server) or dip (dip's own loop, no Beam)",
      )
        .choices(['direct', 'flink', 'dip'])
        .argParser(choice(['direct', 'flink', 'dip'] as const)),
    )
    .option(
      '--flink-master <master>',
      'with --runner flink: [local] (an embedded Flink, the default) or host:port of your Flink JobManager (default: beam.flinkMaster)',
    )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: WarehouseFlags, command: Command) => {
      if (flags.consumer !== undefined && !/^[A-Za-z0-9_.-]{1,100}$/.test(flags.consumer)) {
        const { usageError } = await import('../shared/errors.ts')
        throw usageError(
          `--consumer ${JSON.stringify(flags.consumer)} is not a valid name.`,
          'Use letters, digits, _ . or - (at most 100).',
        )
      }
      const { consumeWarehouse } = await import('../commands/consume-warehouse.ts')
      await consumeWarehouse(
        {
          batch: flags.batch === true,
          autoCreate: flags.autoCreate === true,
          ...(flags.topics === undefined ? {} : { topics: flags.topics }),
          ...(flags.consumer === undefined ? {} : { consumer: flags.consumer }),
          ...(flags.group === undefined ? {} : { group: flags.group }),
          ...(flags.maxRows === undefined ? {} : { maxRows: flags.maxRows }),
          ...(flags.recordsPerWrite === undefined ? {} : { recordsPerWrite: flags.recordsPerWrite }),
          ...(flags.retryFor === undefined ? {} : { retryForMs: flags.retryFor }),
          ...(flags.progressEvery === undefined ? {} : { progressEveryMs: flags.progressEvery }),
          ...(flags.runner === undefined ? {} : { runner: flags.runner }),
          ...(flags.flinkMaster === undefined ? {} : { flinkMaster: flags.flinkMaster }),
        },
        command.optsWithGlobals<GlobalOptions>(),
      )
    })
}
