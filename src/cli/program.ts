import { Command } from 'commander'
import { registerConfigCommands } from './commands-config.ts'
import { registerDbCommands } from './commands-db.ts'
import { registerProduceCommands } from './commands-produce.ts'
import { registerConsumeCommands } from './commands-consume.ts'
import { registerKsqlCommands } from './commands-ksql.ts'
import { registerStackCommands } from './commands-stack.ts'
import { registerOrchestrateCommands } from './commands-orchestrate.ts'
import { registerLakeCommands } from './commands-lake.ts'
import { registerGovernanceCommands } from './commands-governance.ts'
import { registerLabCommands } from './commands-lab.ts'

const EXAMPLES = `
Examples:
  $ dip lab                      run the whole lab: stack, schema, ksqlDB, 5,000 events, lake + warehouse
  $ dip up && dip status         start Kafka + MariaDB (+ ksqlDB) and show their health
  $ dip produce --count 5000     send lab transactions to Kafka
  $ dip consume lake --batch     sink every stream and table into data_lake/

Configuration: dip.config.yaml in the current folder (or --config FILE); every key can be
overridden by a DIP_* variable, e.g. DIP_MYSQL_PORT=3307. Set NO_COLOR to disable colours.
Exit codes: 0 success, 1 failure, 2 invalid usage or configuration.`

/**
 * The command table. Each area registers its commands from one small file, and each action
 * lazy-imports its implementation, so `dip --help` loads no Kafka or MySQL code.
 */
export function buildProgram(): Command {
  const program = new Command('dip')
    .description('Data Integration Pipeline: Kafka → ksqlDB → data lake + MySQL, from one binary')
    .version('0.1.0', '-V, --version')
    .option('-c, --config <file>', 'config file (default: ./dip.config.yaml; env DIP_CONFIG)')
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
  program.configureHelp({ sortSubcommands: false })
  registerLabCommands(program)
  registerStackCommands(program)
  registerConfigCommands(program)
  registerDbCommands(program)
  registerProduceCommands(program)
  registerConsumeCommands(program)
  registerKsqlCommands(program)
  registerOrchestrateCommands(program)
  registerLakeCommands(program)
  registerGovernanceCommands(program)
  return program
}
