import type { Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'

export function registerConfigCommands(program: Command): void {
  program
    .command('config')
    .description('print the effective configuration (file + DIP_* env), secrets masked')
    .addHelpText('after', '\nExamples:\n  $ dip config\n  $ DIP_MYSQL_PORT=3307 dip config --json')
    .action(async (_options: object, command: Command) => {
      const { showConfig } = await import('../commands/config.ts')
      await showConfig(command.optsWithGlobals<GlobalOptions>())
    })
}
