import { createContext, type GlobalOptions } from '../app/context.ts'
import { createExecaRunner, type CommandRunner } from '../stack/command-runner.ts'
import {
  findExecutable,
  parseMysqlServer,
  resolveMysqlBinaries,
} from '../stack/native/mysql-server-choice.ts'
import type { ProvisionResult } from '../stack/provision/kafka-provision.ts'
import type { MariadbProvisionResult } from '../stack/provision/mariadb-provision.ts'
import { DipError, errorMessage } from '../shared/errors.ts'
import type { FlinkJobServerProvision } from '../stack/provision/flink-job-server-provision.ts'
import {
  provisionFlinkJobServerWithSpinner,
  provisionRuntimes,
} from '../stack/provision/provision-runtimes.ts'

export interface SetupOptions extends GlobalOptions {
  /** With mysql.server: system, install a missing server (mariadb-server) with apt-get; root only. */
  readonly installSystemPackages?: boolean
  /** Also Beam's Flink job server (for `--runner flink`), into the same cache. */
  readonly withFlink?: boolean
}

export interface SetupResult {
  readonly kafka: ProvisionResult
  readonly mariadb: MariadbProvisionResult | null
  /** The binary the native stack will run (bundled or system), null when none was found. */
  readonly mysqlServer: string | null
  readonly installedPackages: readonly string[]
  /** Where Beam's Flink job server is, with --with-flink; null otherwise. */
  readonly flinkJobServer: FlinkJobServerProvision | null
}

/**
 * `dip setup`: everything the native stack needs that is not on the machine yet: Kafka's jars and,
 * by default, the bundled MariaDB server, both into dip's cache. Idempotent: a second run finds the
 * cache markers and downloads nothing. apt is only for mysql.server: system, and only when asked.
 */
export async function setup(options: SetupOptions): Promise<SetupResult> {
  const { loaded, reporter } = createContext(options)
  const runner = createExecaRunner()
  const installedPackages: string[] = []
  const choice = parseMysqlServer(loaded.config.mysql.server, loaded.baseDir)
  if (choice.kind === 'system' && findExecutable(['mariadbd', 'mysqld']) === undefined) {
    if (options.installSystemPackages === true) {
      await installWithApt(runner, ['mariadb-server', 'mariadb-client'], reporter.spinner.bind(reporter))
      installedPackages.push('mariadb-server', 'mariadb-client')
    } else {
      reporter.warn(
        'mysql.server is "system" but no MariaDB/MySQL server is installed. Fix: `sudo dip setup --install-system-packages` (apt), or use the bundled server (mysql.server: bundled).',
      )
    }
  }
  const runtimes = await provisionRuntimes(loaded, reporter, runner)
  let mysqlServer: string | null = null
  try {
    mysqlServer = resolveMysqlBinaries(choice).server
    reporter.success(`MySQL server (${choice.kind}): ${mysqlServer}`)
  } catch (error) {
    reporter.warn(errorMessage(error))
  }
  const flinkJobServer =
    options.withFlink === true ? await provisionFlinkJobServerWithSpinner(reporter, runner) : null
  const result = {
    kafka: runtimes.kafka,
    mariadb: runtimes.mariadb ?? null,
    mysqlServer,
    installedPackages,
    flinkJobServer,
  }
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
