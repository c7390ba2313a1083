import type { Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { DEFAULT_COUNT } from '../produce/default-count.ts'
import { durationMs, nonNegativeInt, positiveInt } from './parse-flags.ts'

const EXAMPLES = `
Examples:
  $ dip lab                          the whole lab: stack, schema, ksqlDB, 5,000 events, lake + warehouse
  $ dip lab --count 20000 --seed 7   more events, reproducible
  $ dip lab --stream --duration 60s  streaming sinks for a minute instead of the batch jobs
  $ dip lab --reset                  start over: purge ksqlDB objects, their topics, lake, warehouse rows
  $ dip lab --json | jq .feeds       the summary as JSON

Steps: doctor → up → (reset) → db apply → produce → ksql apply → (queries catch up) →
consume lake --batch → consume warehouse --batch → summary. Re-running is safe: setup is idempotent,
new events are appended (a new seed unless --seed) and both sinks write exactly once. A failing step
is named and the exit code is 1.`

/** lab: every step of the lab, composed from the other commands. */
export function registerLabCommands(program: Command): void {
  program
    .command('lab')
    .description('run the whole lab in one go and print a summary of topics, lake and warehouse')
    .option('--count <n>', `transactions to produce (default ${DEFAULT_COUNT})`, positiveInt)
    .option('--seed <n>', 'seed of the event generator (same seed, same events)', nonNegativeInt)
    .option('--stream', 'run the streaming lake and warehouse sinks for --duration instead of batch jobs')
    .option('--duration <time>', 'how long --stream runs, e.g. 60s or 5m (default 60s)', durationMs)
    .option('--reset', 'purge the lab first: ksqlDB objects and their topics, lake, warehouse rows, run log')
    .option('--skip-doctor', 'do not check prerequisites first')
    .addHelpText('after', EXAMPLES)
    .action(async (options: LabFlags, command: Command) => {
      const { lab } = await import('../commands/lab.ts')
      const { usageError } = await import('../shared/errors.ts')
      if (options.duration !== undefined && options.stream !== true)
        throw usageError(
          '--duration only applies to --stream.',
          'add --stream: dip lab --stream --duration 60s',
        )
      await lab(
        {
          ...(options.count === undefined ? {} : { count: options.count }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.skipDoctor === undefined ? {} : { skipDoctor: options.skipDoctor }),
          ...(options.stream === true ? { streamMs: options.duration ?? DEFAULT_STREAM_MS } : {}),
          ...(options.reset === true ? { reset: true } : {}),
        },
        command.optsWithGlobals<GlobalOptions>(),
      )
    })
}

const DEFAULT_STREAM_MS = 60_000

interface LabFlags {
  count?: number
  seed?: number
  skipDoctor?: boolean
  stream?: boolean
  duration?: number
  reset?: boolean
}
