import { Option, type Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { choice, durationMs, positiveInt } from './parse-flags.ts'

const MODES = ['auto', 'native', 'docker'] as const
const SERVICES = ['kafka', 'mysql', 'ksqldb'] as const
const modeOption = () =>
  new Option('--mode <mode>', 'auto (Docker if an engine answers, else native), native or docker').argParser(
    choice(MODES),
  )

/** setup, doctor, up, down, status, logs: provisioning and the lifecycle of the Kafka + MySQL stack. */
export function registerStackCommands(program: Command): void {
  program
    .command('setup')
    .description(
      'download Kafka and the bundled MariaDB server into the cache (once), with progress; nothing else is installed',
    )
    .option(
      '--install-system-packages',
      'with mysql.server: system only, apt-get install mariadb-server when missing (root)',
    )
    .option(
      '--with-flink',
      "also Beam's Flink job server for `--runner flink` (≈ 154 MB of jars, mvn); otherwise fetched on first use",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ dip setup                                   Apache Kafka (≈ 55 MB, mvn) + MariaDB 11.4 (149 MB) from Maven Central, once
  $ dip setup --with-flink                      the same, plus Beam's Flink job server for --runner flink
  $ DIP_CACHE_DIR=/opt/dip-cache dip setup      keep them somewhere else (default ~/.cache/dip)
  $ DIP_MYSQL_SERVER=system sudo dip setup --install-system-packages
                                                use the machine's own MariaDB instead (apt-get install if missing)`,
    )
    .action(async (options: { installSystemPackages?: boolean; withFlink?: boolean }, command: Command) => {
      const { setup } = await import('../commands/setup.ts')
      await setup({ ...command.optsWithGlobals<GlobalOptions>(), ...options })
    })

  program
    .command('doctor')
    .description(
      'check prerequisites (Node, Java 17+, Maven or cached Kafka, the MySQL server in use, disk, Docker, free ports) with a fix for each miss',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ dip doctor\n  $ dip doctor --json | jq \'.checks[] | select(.status != "ok")\'',
    )
    .action(async (_options: object, command: Command) => {
      const { doctor } = await import('../commands/doctor.ts')
      await doctor(command.optsWithGlobals<GlobalOptions>())
    })

  program
    .command('up')
    .description(
      'start Kafka + MySQL (Docker when an engine answers, native processes otherwise) and wait until healthy',
    )
    .addOption(modeOption())
    .option(
      '--timeout <duration>',
      'how long to wait for each service (default stack.startTimeoutSeconds)',
      durationMs,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ dip up                       start the stack (a second run says "already running")
  $ dip up --mode native         Kafka (KRaft) + MariaDB as local processes, state in .dip/; the first run
                                 downloads Kafka and MariaDB 11.4 into ~/.cache/dip
  $ DIP_MYSQL_SERVER=system dip up   run the machine's own mariadbd instead of the bundled one
  $ DIP_MYSQL_PORT=3307 dip up   use another port for MySQL`,
    )
    .action(async (options: { mode?: (typeof MODES)[number]; timeout?: number }, command: Command) => {
      const { up } = await import('../commands/up.ts')
      await up({
        ...command.optsWithGlobals<GlobalOptions>(),
        ...(options.mode === undefined ? {} : { mode: options.mode }),
        ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
      })
    })

  program
    .command('down')
    .description('stop the stack (SIGTERM, then SIGKILL after stack.stopTimeoutSeconds)')
    .addOption(modeOption())
    .option('--purge', 'also delete topics, databases, logs and pid files')
    .option('--timeout <duration>', 'grace period before SIGKILL', durationMs)
    .addHelpText(
      'after',
      '\nExamples:\n  $ dip down\n  $ dip down --purge        start from scratch next time',
    )
    .action(
      async (
        options: { mode?: (typeof MODES)[number]; purge?: boolean; timeout?: number },
        command: Command,
      ) => {
        const { down } = await import('../commands/down.ts')
        await down({
          ...command.optsWithGlobals<GlobalOptions>(),
          ...(options.mode === undefined ? {} : { mode: options.mode }),
          purge: options.purge ?? false,
          ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
        })
      },
    )

  program
    .command('status')
    .description('each service: mode, pid, port, version, health, topic count (exit 1 if one is unhealthy)')
    .addOption(modeOption())
    .addHelpText(
      'after',
      "\nExamples:\n  $ dip status\n  $ dip status --json | jq '.services[] | {name, healthy}'",
    )
    .action(async (options: { mode?: (typeof MODES)[number] }, command: Command) => {
      const { status } = await import('../commands/status.ts')
      await status({
        ...command.optsWithGlobals<GlobalOptions>(),
        ...(options.mode === undefined ? {} : { mode: options.mode }),
      })
    })

  program
    .command('logs')
    .description('print the logs of a service (kafka, mysql, ksqldb), or of all of them')
    .argument('[service]', `one of ${SERVICES.join(', ')} (default: all)`, choice(SERVICES))
    .addOption(modeOption())
    .option('-n, --tail <lines>', 'lines from the end of each log', positiveInt, 100)
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .addHelpText('after', '\nExamples:\n  $ dip logs kafka -n 50\n  $ dip logs mysql --follow')
    .action(
      async (
        service: (typeof SERVICES)[number] | undefined,
        options: { mode?: (typeof MODES)[number]; tail: number; follow?: boolean },
        command: Command,
      ) => {
        const { logs } = await import('../commands/logs.ts')
        await logs(service, {
          ...command.optsWithGlobals<GlobalOptions>(),
          ...(options.mode === undefined ? {} : { mode: options.mode }),
          tail: options.tail,
          follow: options.follow ?? false,
        })
      },
    )
}
