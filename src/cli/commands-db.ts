import type { Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'

const APPLY_EXAMPLES = `
Examples:
  $ dip db apply                                  create the lab's warehouse tables (database/schema.sql)
  $ dip db apply --file database/extra.sql        apply another file
  $ dip db apply --dry-run                        list the statements without connecting
  $ DIP_MYSQL_PORT=3307 dip db apply --json       machine-readable per-statement summary

Every statement must be safe to re-run (CREATE TABLE IF NOT EXISTS …): apply is idempotent.
The database (mysql.database, default tp3) is created when missing.`

export function registerDbCommands(program: Command): void {
  const db = program
    .command('db')
    .description('the MySQL data warehouse')
    .addHelpText(
      'after',
      '\nExamples:\n  $ dip db apply             create the warehouse tables\n  $ dip db apply --help',
    )
  db.command('apply')
    .description('apply a schema file to MySQL, statement by statement (idempotent)')
    .option('-f, --file <path>', 'schema file (default: database/schema.sql)')
    .option('--dry-run', 'list the statements and their lines without connecting')
    .addHelpText('after', APPLY_EXAMPLES)
    .action(async (options: { file?: string; dryRun?: boolean }, command: Command) => {
      const { dbApply } = await import('../commands/db-apply.ts')
      await dbApply(
        {
          ...(options.file === undefined ? {} : { file: options.file }),
          ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
        },
        command.optsWithGlobals<GlobalOptions>(),
      )
    })
}
