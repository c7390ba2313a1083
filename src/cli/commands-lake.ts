import type { Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { commaList, positiveInt } from './parse-flags.ts'

/** lake ls, lake query, lake retain: look into the lake and keep it small. */
export function registerLakeCommands(program: Command): void {
  const lake = program
    .command('lake')
    .description('look into the data lake (ls, query) and expire old partitions (retain)')
    .addHelpText(
      'after',
      `
Examples:
  $ dip lake ls
  $ dip lake query "SELECT transaction_type, count(*) FROM transaction_log GROUP BY 1"
  $ dip lake retain --days 30 --dry-run`,
    )
  lake
    .command('ls')
    .description('feeds with their date partitions, files, rows and bytes')
    .addHelpText(
      'after',
      `
Examples:
  $ dip lake ls
  $ dip lake ls --json | jq '.feeds[] | {feed, rows}'`,
    )
    .action(async (_flags: unknown, command: Command) => {
      const { lakeLs } = await import('../commands/lake-tools.ts')
      await lakeLs(command.optsWithGlobals<GlobalOptions>())
    })
  lake
    .command('query')
    .description('run SQL (DuckDB) over the lake: each feed is a view named after its topic')
    .argument('<sql>', 'the query, e.g. "SELECT count(*) FROM transaction_log"')
    .addHelpText(
      'after',
      `
Examples:
  $ dip lake query "SELECT count(*) FROM transaction_log"
  $ dip lake query "SELECT year, month, day, count(*) FROM transaction_log GROUP BY ALL ORDER BY ALL"
  $ dip lake query "SELECT * FROM _errors_transaction_log LIMIT 5" --json

Every JSON Lines and Parquet file of a feed is read; the folders year=/month=/day= are columns.
Dead letters of a feed are the view _errors_<feed>.`,
    )
    .action(async (sql: string, _flags: unknown, command: Command) => {
      const { lakeQuery } = await import('../commands/lake-tools.ts')
      await lakeQuery(sql, command.optsWithGlobals<GlobalOptions>())
    })
  lake
    .command('retain')
    .description('delete date partitions older than N days (recorded in <stateDir>/retention.jsonl)')
    .requiredOption('--days <n>', 'keep this many days before today (lake.timeZone)', positiveInt)
    .option('--feed <list>', 'only these feeds, comma-separated', commaList)
    .option('--dry-run', 'print what would be deleted, delete nothing')
    .addHelpText(
      'after',
      `
Examples:
  $ dip lake retain --days 30 --dry-run                 what would go
  $ dip lake retain --days 30                           delete day=… folders older than 30 days
  $ dip lake retain --days 7 --feed transaction_log     only one feed

Runs under the lake lock, so it refuses while a lake sink is writing.`,
    )
    .action(async (flags: { days: number; feed?: string[]; dryRun?: boolean }, command: Command) => {
      const { lakeRetain } = await import('../commands/lake-tools.ts')
      await lakeRetain(
        {
          days: flags.days,
          dryRun: flags.dryRun === true,
          ...(flags.feed === undefined ? {} : { feeds: flags.feed }),
        },
        command.optsWithGlobals<GlobalOptions>(),
      )
    })
}
