import { createContext, type GlobalOptions } from '../cli/context.ts'
import { createExecaRunner, type CommandRunner } from '../stack/command-runner.ts'
import { findExecutable } from '../stack/native/mariadb-native.ts'
import { provisionKafka, type ProvisionResult } from '../stack/provision/kafka-provision.ts'
import { DipError } from '../shared/errors.ts'

export interface SetupOptions extends GlobalOptions {
  /** Install missing system packages (mariadb-server) with apt-get; root only. On by default in CI. */
  readonly installSystemPackages?: boolean
}

export interface SetupResult {
  readonly kafka: ProvisionResult
  readonly mysqlServer: string | null
  readonly installedPackages: readonly string[]
}

/**
 * `dip setup`: everything the native stack needs that is not on the machine yet. Idempotent: a
 * second run finds the Kafka cache marker and the server binary, and downloads nothing.
 */
export async function setup(options: SetupOptions): Promise<SetupResult> {
  const { loaded, reporter } = createContext(options)
  const runner = createExecaRunner()
  const installedPackages: string[] = []
  let mysqlServer = findExecutable(['mariadbd', 'mysqld'])
  const allowApt = options.installSystemPackages ?? process.env['CI'] === 'true'
  if (mysqlServer === undefined) {
    if (allowApt) {
      await installWithApt(runner, ['mariadb-server', 'mariadb-client'], reporter.spinner.bind(reporter))
      installedPackages.push('mariadb-server', 'mariadb-client')
      mysqlServer = findExecutable(['mariadbd', 'mysqld'])
    } else {
      reporter.warn(
        'No MariaDB/MySQL server found: native mode needs one. Fix: `sudo dip setup --install-system-packages` (or `apt-get install mariadb-server`).',
      )
    }
  }

  const version = loaded.config.kafka.version
  const spinner = reporter.spinner(`provisioning Apache Kafka ${version} from Maven Central`)
  let kafka: ProvisionResult
  try {
    kafka = await provisionKafka({ version, runner })
  } catch (error) {
    spinner.fail(`Apache Kafka ${version} could not be provisioned`)
    throw error
  }
  spinner.succeed(
    kafka.downloaded
      ? `Apache Kafka ${version} downloaded to ${kafka.home} (${kafka.jarCount} jars)`
      : `Apache Kafka ${version} already in ${kafka.home}; nothing downloaded`,
  )
  if (mysqlServer !== undefined) reporter.success(`MySQL server: ${mysqlServer}`)
  const result = { kafka, mysqlServer: mysqlServer ?? null, installedPackages }
  reporter.result(result)
  return result
}

async function installWithApt(
  runner: CommandRunner,
  packages: readonly string[],
  spinnerOf: (text: string) => { succeed(t?: string): void; fail(t?: string): void },
): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new DipError('DIP_PREREQUISITE', `Installing ${packages.join(', ')} needs root.`, {
      hint: `Run \`sudo dip setup --install-system-packages\`, or \`sudo apt-get install ${packages.join(' ')}\`.`,
    })
  }
  const spinner = spinnerOf(`apt-get install ${packages.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = await runner.run('apt-get', ['update', '-qq'], { env })
  const install =
    update.exitCode === 0
      ? await runner.run('apt-get', ['install', '-y', '-qq', ...packages], { env })
      : update
  if (install.notFound || install.exitCode !== 0) {
    spinner.fail()
    throw new DipError(
      'DIP_PREREQUISITE',
      install.notFound
        ? 'apt-get is not available on this system.'
        : `apt-get failed (exit ${install.exitCode}): ${install.stderr.trim().split('\n').slice(-3).join(' ')}`,
      {
        hint: `Install ${packages.join(', ')} with your system's package manager, then rerun \`dip setup\`.`,
      },
    )
  }
  spinner.succeed(`installed ${packages.join(', ')}`)
}
