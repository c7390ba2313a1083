import { Option, type Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { DEFAULT_COUNT } from '../produce/default-count.ts'
import { choice, durationMs, nonNegativeInt, positiveInt, ratePerSecond } from './parse-flags.ts'

const EXAMPLES = `
Examples:
  $ dip produce                                   5,000 lab transactions to transaction_log (like the original kit)
  $ dip produce --count 200000 --partitions 3     a bigger run; creates the topic with 3 partitions
  $ dip produce --duration 60s --rate 500/s       a steady stream for one minute
  $ dip produce --key transaction_id --lifecycle  keyed by id, with later status updates per transaction
  $ dip produce --event-time --seed 7 --json      Kafka time = event time; reproducible; JSON summary

The same --seed gives the same events, byte for byte. Without --seed, a run continues the
generator's sequence like \`dip lab\`: seed 42 on a new or empty topic, else 42 plus the records
already in it, so running it twice does not send the same transaction ids twice. Ctrl-C stops after the batch in flight;
everything counted in the summary is on the broker.`

interface ProduceCliOptions {
  readonly count?: number
  readonly duration?: number
  readonly rate?: number
  readonly topic?: string
  readonly seed?: number
  readonly key?: 'none' | 'transaction_id' | 'user_id'
  readonly partitions?: number
  readonly lifecycle?: boolean
  readonly eventTime?: boolean
}

export function registerProduceCommands(program: Command): void {
  program
    .command('produce')
    .description("send the lab's fake payment transactions to Kafka (idempotent, acks=all)")
    .option('-n, --count <n>', `transactions to send (default ${DEFAULT_COUNT})`, positiveInt)
    .option('-d, --duration <time>', 'send for this long instead of a count, e.g. 60s, 5m', durationMs)
    .option(
      '-r, --rate <rate>',
      'records per second, e.g. 500/s (default: as fast as possible)',
      ratePerSecond,
    )
    .option('-t, --topic <name>', 'topic (created when missing)', 'transaction_log')
    .option(
      '--seed <n>',
      'random seed: same seed, same events (default: 42 on an empty topic, else 42 + its record count)',
      nonNegativeInt,
    )
    .addOption(
      new Option('--key <field>', 'record key')
        .choices(['none', 'transaction_id', 'user_id'])
        .argParser(choice(['none', 'transaction_id', 'user_id'] as const))
        .default('none'),
    )
    .option('-p, --partitions <n>', 'partitions when the topic is created', positiveInt, 1)
    .option('--lifecycle', 'also send later status updates (pending → processing → final) for some ids')
    .option('--event-time', "use each event's timestamp as the Kafka record time (default: send time)")
    .addHelpText('after', EXAMPLES)
    .action(async (options: ProduceCliOptions, command: Command) => {
      const { runProduce } = await import('../commands/produce.ts')
      await runProduce(command.optsWithGlobals<GlobalOptions>(), options)
    })
}
