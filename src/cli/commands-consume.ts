import { Option, type Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import type { ConsumeLakeFlags } from '../consume/lake-plan.ts'
import { registerWarehouseCommand } from './commands-consume-warehouse.ts'
import { choice, commaList, durationMs, positiveInt } from './parse-flags.ts'

const LAKE_EXAMPLES = `
Examples:
  $ dip consume lake --batch                        sink what is new in every ksqlDB stream and table, then exit
  $ dip consume lake                                keep sinking until Ctrl-C (flushes, then exits 0)
  $ dip consume lake --progress-every 10s           a line every 10 s: records, records/s, lag
  $ dip consume lake --batch --topics transaction_log --format parquet
  $ dip consume lake --batch --json                 per-topic records, files, bytes, errors as JSON
  $ dip consume lake --batch --runner direct        the batch as an Apache Beam pipeline (the default)
  $ dip consume lake --batch --runner flink         the same pipeline on an embedded Apache Flink
  $ dip consume lake --batch --runner flink --flink-master flink-jm:8081   on your Flink cluster

Layout: <lake>/<streams|tables>/<TOPIC>/year=YYYY/month=MM/day=DD/<TOPIC>-p<PART>-<FIRST>-<LAST>.jsonl
(date of the Kafka record time, lake.timeZone). Bad records go to <lake>/_errors/<TOPIC>/… with the reason.
Streaming prints a progress line every 30 s (records, records/s, lag), a warning when the broker
stops answering and a line when it answers again. Exactly once: the position is read back from the file names, so a restart after a crash continues
where the lake ends, with no offset lost or written twice.
--batch runs an Apache Beam pipeline (read → decode/validate → dead letters as a tagged side
output → lake writer) on Beam's direct runner, in this process; --runner flink runs it on Apache
Flink (Beam's Flink job server, fetched once from Maven Central by dip setup --with-flink).`

export function registerConsumeCommands(program: Command): Command {
  const consume = program
    .command('consume')
    .description('sink Kafka topics into the data lake or the warehouse')
    .addHelpText(
      'after',
      `
Examples:
  $ dip consume lake --batch      sink what is new into data_lake/, then exit
  $ dip consume lake              keep sinking until Ctrl-C
  $ dip consume lake --help       layout, formats and flags`,
    )
  consume
    .command('lake')
    .description('sink ksqlDB streams and tables (and config feeds) into the date-partitioned data lake')
    .option('--batch', 'read up to the end offsets seen at start, write, commit, exit')
    .option(
      '--topics <list>',
      'comma-separated topics (instead of ksqlDB discovery + config feeds)',
      commaList,
    )
    .addOption(
      new Option('--format <format>', 'file format (default: lake.format, jsonl)')
        .choices(['jsonl', 'parquet'])
        .argParser(choice(['jsonl', 'parquet'] as const)),
    )
    .option('--lake-root <dir>', 'lake folder (default: lake.root, data_lake)')
    .option('--time-zone <zone>', 'time zone of the date folders (default: lake.timeZone, UTC)')
    .option(
      '--max-file-records <n>',
      'rotate a partition file after this many records (default 50000)',
      positiveInt,
    )
    .option('--max-file-mb <n>', 'rotate a partition file after this many MiB (default 64)', positiveInt)
    .option(
      '--idle-flush <time>',
      'streaming: flush a quiet partition after this long (default 5s)',
      durationMs,
    )
    .option('--group <id>', 'consumer group the position is committed to (default dip-lake)')
    .option('--no-commit', 'do not commit the position to the group (the lake alone keeps it)')
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
    .addHelpText('after', LAKE_EXAMPLES)
    .action(async (options: ConsumeLakeFlags, command: Command) => {
      const { runConsumeLake } = await import('../commands/consume-lake.ts')
      await runConsumeLake(command.optsWithGlobals<GlobalOptions>(), options)
    })
  registerWarehouseCommand(consume)
  return consume
}
