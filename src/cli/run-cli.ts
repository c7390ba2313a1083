import { CommanderError } from 'commander'
import { installKafkaClient } from '../app/create-deps.ts'
import { isDipError } from '../shared/errors.ts'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.ts'
import { buildProgram } from './program.ts'

/**
 * One run of the CLI over `argv` (as process.argv: node, script, then the arguments): the only
 * place that decides the exit code, returned rather than set so tests can run it in process.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram()
  try {
    // First of all: kafkajs must not load before its fixes are in place (it fails loudly otherwise).
    installKafkaClient()
    await program.parseAsync([...argv])
    return process.exitCode === undefined ? EXIT_OK : Number(process.exitCode)
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version are not errors; everything commander rejects is a usage error.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT_OK
      return EXIT_USAGE
    }
    const wantsJson = argv.includes('--json')
    if (isDipError(error)) {
      if (wantsJson) {
        process.stdout.write(
          `${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint, ...error.details } }, null, 2)}\n`,
        )
      }
      process.stderr.write(`dip: ${error.message}\n`)
      if (error.hint !== undefined) process.stderr.write(`  fix: ${error.hint}\n`)
      if (process.env['DIP_DEBUG'] !== undefined && error.cause !== undefined)
        process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`)
      return exitCodeFor(error.code)
    }
    process.stderr.write(
      `dip: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    return EXIT_FAILURE
  }
}
