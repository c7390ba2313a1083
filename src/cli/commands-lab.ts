import type { Command } from 'commander'
import type { GlobalOptions } from './context.ts'
import { nonNegativeInt, positiveInt } from './parse-flags.ts'

const EXAMPLES = `
Examples:
  $ dip lab                          the whole lab: stack, schema, ksqlDB, 5,000 events, lake + warehouse
  $ dip lab --count 20000 --seed 7   more events, reproducible
  $ dip lab --json | jq .feeds       the summary as JSON

Steps: doctor → up → db apply → produce → ksql apply → (queries catch up) → consume lake --batch →
consume warehouse --batch → summary. Re-running is safe: setup is idempotent, new events are
appended and both sinks write exactly once. A failing step is named and the exit code is 1.`

/** lab: every step of the lab, composed from the other commands. */
export function registerLabCommands(program: Command): void {
  program
    .command('lab')
    .description('run the whole lab in one go and print a summary of topics, lake and warehouse')
    .option('--count <n>', 'transactions to produce (default 5000)', positiveInt)
    .option('--seed <n>', 'seed of the event generator (same seed, same events)', nonNegativeInt)
    .option('--skip-doctor', 'do not check prerequisites first')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { count?: number; seed?: number; skipDoctor?: boolean }, command: Command) => {
      const { lab } = await import('../commands/lab.ts')
      await lab(
        {
          ...(options.count === undefined ? {} : { count: options.count }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.skipDoctor === undefined ? {} : { skipDoctor: options.skipDoctor }),
        },
        command.optsWithGlobals<GlobalOptions>(),
      )
    })
}
