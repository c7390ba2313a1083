import { Option, type Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { choice } from './parse-flags.ts'

/** access grant|revoke|ls (table user_permissions) and feed add (onboarding a topic). */
export function registerGovernanceCommands(program: Command): void {
  const access = program
    .command('access')
    .description('who may read or write which lake folder (MySQL table user_permissions)')
    .addHelpText(
      'after',
      `
Examples:
  $ dip access grant alice streams/transaction_log --permission read
  $ dip access revoke alice streams/transaction_log
  $ dip access ls --user alice`,
    )
  access
    .command('grant')
    .description('set a user’s permission on a lake folder (read, write or none)')
    .argument('<user>', 'user id (at most 64 characters)')
    .argument('<folder>', 'lake folder, relative to the lake root (e.g. tables/TOTAL_PER_USER_TYPE; / = all)')
    .addOption(
      new Option('--permission <p>', 'read, write or none')
        .choices(['read', 'write', 'none'])
        .argParser(choice(['read', 'write', 'none'] as const))
        .default('read'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ dip access grant alice streams/transaction_log                     read (the default)
  $ dip access grant etl-bot tables/TOTAL_PER_USER_TYPE --permission write
  $ dip access grant bob / --permission none                           deny the whole lake`,
    )
    .action(
      async (
        user: string,
        folder: string,
        flags: { permission: 'read' | 'write' | 'none' },
        command: Command,
      ) => {
        const { changeAccess } = await import('../commands/access.ts')
        await changeAccess(
          { kind: 'grant', user, folder, permission: flags.permission },
          command.optsWithGlobals<GlobalOptions>(),
        )
      },
    )
  access
    .command('revoke')
    .description('remove a user’s entry for a lake folder')
    .argument('<user>')
    .argument('<folder>')
    .addHelpText('after', '\nExamples:\n  $ dip access revoke alice streams/transaction_log')
    .action(async (user: string, folder: string, _flags: unknown, command: Command) => {
      const { changeAccess } = await import('../commands/access.ts')
      await changeAccess({ kind: 'revoke', user, folder }, command.optsWithGlobals<GlobalOptions>())
    })
  access
    .command('ls')
    .description('list permissions')
    .option('--user <user>', 'only this user')
    .option('--folder <folder>', 'only this folder')
    .addHelpText(
      'after',
      "\nExamples:\n  $ dip access ls\n  $ dip access ls --user alice --json | jq '.[].folder_path'",
    )
    .action(async (flags: { user?: string; folder?: string }, command: Command) => {
      const { listAccess } = await import('../commands/access.ts')
      await listAccess(flags, command.optsWithGlobals<GlobalOptions>())
    })

  const feed = program.command('feed').description('onboard topics as lake / warehouse feeds')
  feed
    .command('add')
    .description('add a feed to dip.config.yaml; the next sink run picks it up')
    .argument('<topic>', 'Kafka topic')
    .addOption(
      new Option('--kind <kind>', 'stream (append to the lake) or table (upsert, also to MySQL)')
        .choices(['stream', 'table'])
        .argParser(choice(['stream', 'table'] as const))
        .makeOptionMandatory(),
    )
    .option('--warehouse-table <name>', 'MySQL table of a table feed (default: the topic lower-cased)')
    .addHelpText(
      'after',
      `
Examples:
  $ dip feed add clickstream --kind stream
  $ dip feed add TOTAL_PER_USER_TYPE --kind table --warehouse-table total_per_user_type
  $ dip --config lab.yaml feed add orders --kind stream`,
    )
    .action(
      async (
        topic: string,
        flags: { kind: 'stream' | 'table'; warehouseTable?: string },
        command: Command,
      ) => {
        const { usageError } = await import('../shared/errors.ts')
        if (flags.warehouseTable !== undefined && flags.kind !== 'table')
          throw usageError(
            '--warehouse-table is for table feeds.',
            'add --kind table, or drop --warehouse-table',
          )
        const { feedAdd } = await import('../commands/feed-add.ts')
        await feedAdd(
          {
            topic,
            kind: flags.kind,
            ...(flags.warehouseTable === undefined ? {} : { warehouseTable: flags.warehouseTable }),
          },
          command.optsWithGlobals<GlobalOptions>(),
        )
      },
    )
}
