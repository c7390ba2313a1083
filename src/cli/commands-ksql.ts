import { Option, type Command } from 'commander'
import type { GlobalOptions } from '../app/context.ts'
import { keyValue, port, positiveInt } from './parse-flags.ts'

const EXAMPLES = `
Examples:
  $ dip ksql server --port 8088            run the embedded engine as a ksqlDB REST server (Ctrl-C stops)
  $ dip ksql apply                         apply ksql/V*.sql in version order (a re-run changes nothing)
  $ dip ksql apply --dry-run               show which files would run
  $ dip ksql status                        streams, tables, queries and applied migrations
  $ dip ksql query "SELECT * FROM AMOUNT_PER_TYPE;"
  $ dip ksql query "SELECT * FROM TRANSACTIONS_FLAT EMIT CHANGES LIMIT 5;" --json
  $ dip ksql drop --all --delete-topics    terminate every query, drop every stream and table
  $ dip ksql print transaction_log --from-beginning --limit 3

Every command except \`server\` speaks ksqlDB's REST API at ksql.url (env DIP_KSQL_URL), so it works
against a real ksqlDB server as well. Server errors are shown with their ksqlDB error code. With
ksql.user / ksql.password set (env DIP_KSQL_USER, DIP_KSQL_PASSWORD) every request carries HTTP Basic
credentials; the password is never printed.`

export function registerKsqlCommands(program: Command): void {
  const ksql = program
    .command('ksql')
    .description('the ksqlDB server: run the embedded one, apply migrations, query, inspect, drop')
    .addHelpText('after', EXAMPLES)

  ksql
    .command('server')
    .description('run the embedded engine as a ksqlDB-compatible REST server on Kafka')
    .option('-p, --port <port>', 'listen port (default: the port of ksql.url)', port)
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--service-id <id>', "ksqlDB's ksql.service.id (names the command topic)", 'default_')
    .option('--in-memory', 'no Kafka: in-memory topics, nothing persists (for trying statements)')
    // Set by `dip up`: names the state dir on the command line so `dip down` recognises the process.
    .addOption(new Option('--stack-marker <path>').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  $ dip ksql server                       on the port of ksql.url, against kafka.brokers
  $ dip ksql server --port 18088 --in-memory
  $ DIP_KSQL_AUTHENTICATION_METHOD=BASIC DIP_KSQL_AUTHENTICATION_CREDENTIALS_FILE=password-file \\
      dip ksql server --host 0.0.0.0      HTTP Basic, ksqlDB's authentication.method=BASIC
Without ksql.authentication.method BASIC (a file of \`user: password\` lines, or a JAAS config naming
one) the server only listens on a loopback address. Statements are kept in the command topic _confluent-ksql-<service id>_command_topic and replayed on start.`,
    )
    .action(
      async (
        options: { port?: number; host?: string; serviceId?: string; inMemory?: boolean },
        command: Command,
      ) => {
        const { runKsqlServer } = await import('../commands/ksql-server.ts')
        await runKsqlServer(command.optsWithGlobals<GlobalOptions>(), options)
      },
    )

  ksql
    .command('apply')
    .description('apply migration files V<6 digits>__<name>.sql in order, like ksql-migrations')
    .argument('[dir]', 'folder of migration files', 'ksql')
    .option('--dry-run', 'show the plan, run nothing')
    .option('--define <name=value>', 'variable for ${name} (repeatable)', keyValue, {})
    .option('--force', 'accept applied files whose checksum changed')
    .addHelpText(
      'after',
      `
Examples:
  $ dip ksql apply
  $ dip ksql apply ksql/ --define topic=transaction_log --dry-run
State lives in ksqlDB itself (stream MIGRATION_EVENTS, table MIGRATION_SCHEMA_VERSIONS). Statements run
with 'auto.offset.reset'='earliest' unless a file SETs otherwise. On error nothing after it runs.`,
    )
    .action(
      async (
        dir: string,
        options: { dryRun?: boolean; define?: Record<string, string>; force?: boolean },
        command: Command,
      ) => {
        const { runKsqlApply } = await import('../commands/ksql-apply.ts')
        await runKsqlApply(command.optsWithGlobals<GlobalOptions>(), { dir, ...options })
      },
    )

  ksql
    .command('status')
    .description('streams, tables, persistent queries and applied migrations on the server')
    .addHelpText('after', '\nExamples:\n  $ dip ksql status\n  $ dip ksql status --json')
    .action(async (_options: object, command: Command) => {
      const { runKsqlStatus } = await import('../commands/ksql-status.ts')
      await runKsqlStatus(command.optsWithGlobals<GlobalOptions>())
    })

  ksql
    .command('query')
    .description('run a pull query (prints a table) or a push query (streams rows until Ctrl-C or LIMIT)')
    .argument('<sql>', 'one SELECT (or PRINT) statement')
    .option('--earliest', "push queries: start from the beginning ('auto.offset.reset'='earliest')")
    .addHelpText(
      'after',
      `
Examples:
  $ dip ksql query "SELECT * FROM AMOUNT_PER_TYPE WHERE TRANSACTION_TYPE = 'refund';"
  $ dip ksql query "SELECT * FROM LARGE_TRANSACTIONS EMIT CHANGES LIMIT 3;" --earliest --json
  $ dip ksql query "PRINT 'transaction_log' FROM BEGINNING LIMIT 3;"   (as dip ksql print)`,
    )
    .action(async (sql: string, options: { earliest?: boolean }, command: Command) => {
      const { runKsqlQuery } = await import('../commands/ksql-query.ts')
      await runKsqlQuery(command.optsWithGlobals<GlobalOptions>(), {
        sql,
        earliest: options.earliest ?? false,
      })
    })

  ksql
    .command('print')
    .description("show a topic's records as ksqlDB's PRINT does (with the detected key and value formats)")
    .argument('<topic>', 'Kafka topic name (case-sensitive)')
    .option('--from-beginning', 'start at the oldest record (default: only records that arrive from now)')
    .option('--limit <n>', 'stop after n records (default: until Ctrl-C)', positiveInt)
    .option('--interval <n>', 'show every n-th record', positiveInt, 1)
    .addHelpText(
      'after',
      `
Examples:
  $ dip ksql print transaction_log --from-beginning --limit 3
  $ dip ksql print LARGE_TRANSACTIONS --interval 10          every 10th new record until Ctrl-C
  $ dip ksql print transaction_log --from-beginning --limit 5 --json
Runs PRINT '<topic>' [FROM BEGINNING] [INTERVAL n] [LIMIT n]; on the server at ksql.url. ksqlDB guesses
the formats from the bytes ("Key format: KAFKA_STRING", "Value format: JSON or KAFKA_STRING").`,
    )
    .action(
      async (
        topic: string,
        options: { fromBeginning?: boolean; limit?: number; interval?: number },
        command: Command,
      ) => {
        const { runKsqlPrint } = await import('../commands/ksql-print.ts')
        await runKsqlPrint(command.optsWithGlobals<GlobalOptions>(), {
          topic,
          fromBeginning: options.fromBeginning ?? false,
          interval: options.interval ?? 1,
          limit: options.limit ?? null,
        })
      },
    )

  ksql
    .command('drop')
    .description('drop streams/tables (terminating the queries that write them)')
    .argument('[names...]', 'streams or tables to drop')
    .option('--all', 'drop every stream and table, including the migrations metadata')
    .option('--delete-topics', 'also delete their Kafka topics')
    .addHelpText(
      'after',
      '\nExamples:\n  $ dip ksql drop LARGE_TRANSACTIONS\n  $ dip ksql drop --all --delete-topics',
    )
    .action(async (names: string[], options: { all?: boolean; deleteTopics?: boolean }, command: Command) => {
      const { runKsqlDrop } = await import('../commands/ksql-drop.ts')
      await runKsqlDrop(command.optsWithGlobals<GlobalOptions>(), {
        names,
        all: options.all ?? false,
        deleteTopics: options.deleteTopics ?? false,
      })
    })

  ksql
    .command('info')
    .description("the server's /info and /healthcheck")
    .addHelpText(
      'after',
      '\nExamples:\n  $ dip ksql info\n  $ DIP_KSQL_URL=http://other:8088 dip ksql info --json',
    )
    .action(async (_options: object, command: Command) => {
      const { runKsqlInfo } = await import('../commands/ksql-info.ts')
      await runKsqlInfo(command.optsWithGlobals<GlobalOptions>())
    })
}
