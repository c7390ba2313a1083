import { Option, type Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { choice, durationMs, nonNegativeInt, positiveInt } from './parse-flags.ts'

const ORCHESTRATE_EXAMPLES = `
Examples:
  $ dip orchestrate                               lake then warehouse now, then every 10 minutes
  $ dip orchestrate --once                        one cycle (clear the backlog), then exit
  $ dip orchestrate --cron "*/10 * * * *"         at minutes 0, 10, 20… (cron fields in UTC)
  $ dip orchestrate --every 1h --jobs lake        only the lake, hourly
  $ dip orchestrate --retries 5 --retry-delay 10s  retry a failing job 5 times (10 s, 20 s, 40 s…)
  $ dip orchestrate --runner flink                 the Beam pipelines on an embedded Flink
  $ dip orchestrate --runner flink --flink-master flink-jm:8081   on your Flink cluster
  $ dip orchestrate --once --runner dip           dip's own bounded loop, without Beam

The runner defaults to the config key beam.runner (DIP_BEAM_RUNNER), itself direct; each run
record names the runner used (beam-direct, beam-flink or dip).

A tick that falls while the previous cycle still runs is skipped (and logged). A failing job is
retried with backoff, then recorded as failed; the next job still runs. Ctrl-C / SIGTERM lets the
running job finish (up to --stop-timeout), then exits 0. One orchestrator per state dir (lock
file <stateDir>/orchestrate.lock); every job run is a line in <stateDir>/runs.jsonl (see dip runs).`

interface OrchestrateFlags {
  readonly every?: string
  readonly cron?: string
  readonly jobs?: string
  readonly once?: boolean
  readonly retries?: number
  readonly retryDelay?: number
  readonly retryMaxDelay?: number
  readonly stopTimeout?: number
  readonly runner?: 'direct' | 'flink' | 'dip'
  readonly flinkMaster?: string
}

/** orchestrate, runs: the scheduled batch jobs and their history. */
export function registerOrchestrateCommands(program: Command): void {
  program
    .command('orchestrate')
    .description('run the batch jobs (lake, warehouse) now and then on a schedule, never overlapping')
    .option('--every <interval>', 'run every interval: 30s, 10m, 1h (default 10m)')
    .option('--cron <expr>', '5-field cron (UTC): *, n, a-b, a,b, */n — instead of --every')
    .option('--jobs <list>', 'jobs in order, comma-separated: lake, warehouse (default lake,warehouse)')
    .option('--once', 'run one cycle and exit')
    .option('--retries <n>', 'retries of a failing job within a cycle (default 2)', nonNegativeInt)
    .option('--retry-delay <time>', 'first retry delay, doubled each retry (default 5s)', durationMs)
    .option('--retry-max-delay <time>', 'longest retry delay (default 60s)', durationMs)
    .option(
      '--stop-timeout <time>',
      'on Ctrl-C, how long the running job may finish (default 60s)',
      durationMs,
    )
    .addOption(
      new Option(
        '--runner <runner>',
        "the batch jobs' Apache Beam runner: direct, flink, or dip (dip's own loop, no Beam) (default: config beam.runner, itself direct)",
      )
        .choices(['direct', 'flink', 'dip'])
        .argParser(choice(['direct', 'flink', 'dip'] as const)),
    )
    .option(
      '--flink-master <master>',
      'with --runner flink: [local] (an embedded Flink) or host:port of your Flink JobManager (default: beam.flinkMaster)',
    )
    .addHelpText('after', ORCHESTRATE_EXAMPLES)
    .action(async (flags: OrchestrateFlags, command: Command) => {
      const { usageError } = await import('../shared/errors.ts')
      const { parseCron, parseEvery } = await import('../orchestrate/schedule.ts')
      const { JOB_NAMES } = await import('../orchestrate/run-record.ts')
      const { DEFAULT_RETRY_POLICY } = await import('../orchestrate/retry-policy.ts')
      if (flags.every !== undefined && flags.cron !== undefined)
        throw usageError(
          '--every and --cron both given.',
          'use one of them: --every 10m or --cron "*/10 * * * *"',
        )
      let schedule = parseEvery(flags.every ?? '10m')
      if (schedule === null)
        throw usageError(
          `--every ${JSON.stringify(flags.every)} is not an interval.`,
          'use e.g. 30s, 10m, 1h or 1d',
        )
      if (flags.cron !== undefined) {
        try {
          schedule = parseCron(flags.cron)
        } catch (error) {
          throw usageError(
            `--cron ${JSON.stringify(flags.cron)}: ${(error as Error).message}.`,
            'use 5 fields with *, n, a-b, a,b or */n, e.g. "*/10 * * * *"',
          )
        }
      }
      const jobs = (flags.jobs ?? 'lake,warehouse').split(',').map((job) => job.trim())
      const unknown = jobs.filter((job) => !(JOB_NAMES as readonly string[]).includes(job))
      if (unknown.length > 0 || jobs.length === 0)
        throw usageError(`--jobs: unknown job(s) ${unknown.join(', ')}.`, `jobs are: ${JOB_NAMES.join(', ')}`)
      const { orchestrate, DEFAULT_STOP_TIMEOUT_MS } = await import('../commands/orchestrate.ts')
      await orchestrate(
        {
          schedule,
          jobs: jobs as (typeof JOB_NAMES)[number][],
          once: flags.once === true,
          retry: {
            ...DEFAULT_RETRY_POLICY,
            ...(flags.retries === undefined ? {} : { retries: flags.retries }),
            ...(flags.retryDelay === undefined ? {} : { initialDelayMs: flags.retryDelay }),
            ...(flags.retryMaxDelay === undefined ? {} : { maxDelayMs: flags.retryMaxDelay }),
          },
          stopTimeoutMs: flags.stopTimeout ?? DEFAULT_STOP_TIMEOUT_MS,
          ...(flags.runner === undefined ? {} : { runner: flags.runner }),
          ...(flags.flinkMaster === undefined ? {} : { flinkMaster: flags.flinkMaster }),
        },
        command.optsWithGlobals<GlobalOptions>(),
      )
    })

  program
    .command('runs')
    .description("the orchestrator's job runs (from <stateDir>/runs.jsonl)")
    .option('--last <n>', 'show the last n runs (default 20)', positiveInt)
    .addHelpText(
      'after',
      `
Examples:
  $ dip runs                      the last 20 job runs: job, start, duration, status, records, files, rows
  $ dip runs --last 5
  $ dip runs --json | jq '.[] | select(.status == "failed")'`,
    )
    .action(async (flags: { last?: number }, command: Command) => {
      const { runs } = await import('../commands/runs.ts')
      await runs(flags, command.optsWithGlobals<GlobalOptions>())
    })
}
