import type { Reporter } from '../../app/reporter.ts'
import type { LoadedConfig } from '../../config/load-config.ts'
import type { CommandRunner } from '../command-runner.ts'
import { parseMysqlServer } from '../native/mysql-server-choice.ts'
import {
  BEAM_VERSION,
  FLINK_VERSION,
  provisionFlinkJobServer,
  type FlinkJobServerProvision,
} from './flink-job-server-provision.ts'
import { provisionKafka, type ProvisionResult } from './kafka-provision.ts'
import { MARIADB_VERSION } from './mariadb-artifacts.ts'
import { provisionMariadb, type MariadbProvisionResult } from './mariadb-provision.ts'
import { describeProgress } from './provision-progress.ts'

export interface NativeRuntimes {
  readonly kafka: ProvisionResult
  /** Undefined when mysql.server is not `bundled`. */
  readonly mariadb: MariadbProvisionResult | undefined
}

/**
 * What the native stack runs, fetched once into dip's cache with a spinner each: Kafka's jars (mvn)
 * and, with mysql.server: bundled, the MariaDB server (Maven Central, bytes and percent shown).
 * Instant when cached. Used by `dip setup`, `dip up` and `dip lab`.
 */
export async function provisionRuntimes(
  loaded: LoadedConfig,
  reporter: Reporter,
  runner: CommandRunner,
  signal?: AbortSignal,
): Promise<NativeRuntimes> {
  const kafka = await provisionKafkaWithSpinner(loaded.config.kafka.version, reporter, runner, signal)
  const choice = parseMysqlServer(loaded.config.mysql.server, loaded.baseDir)
  const mariadb =
    choice.kind === 'bundled' ? await provisionMariadbWithSpinner(reporter, runner, signal) : undefined
  return { kafka, mariadb }
}

async function provisionKafkaWithSpinner(
  version: string,
  reporter: Reporter,
  runner: CommandRunner,
  signal: AbortSignal | undefined,
): Promise<ProvisionResult> {
  const text = `Apache Kafka ${version} (from Maven Central with mvn, once)`
  const spinner = reporter.spinner(text)
  const started = Date.now()
  // mvn -q reports nothing while it downloads: the elapsed time shows it is still working.
  const ticker = setInterval(
    () => spinner.update(`${text}: ${Math.round((Date.now() - started) / 1000)} s`),
    1000,
  )
  try {
    const kafka = await provisionKafka({ version, runner, ...(signal === undefined ? {} : { signal }) })
    spinner.succeed(
      kafka.downloaded
        ? `Apache Kafka ${version} downloaded to ${kafka.home} (${kafka.jarCount} jars, ${seconds(started)})`
        : `Apache Kafka ${version} is provisioned (${kafka.home})`,
    )
    return kafka
  } catch (error) {
    spinner.fail(`Apache Kafka ${version} could not be provisioned`)
    throw error
  } finally {
    clearInterval(ticker)
  }
}

async function provisionMariadbWithSpinner(
  reporter: Reporter,
  runner: CommandRunner,
  signal: AbortSignal | undefined,
): Promise<MariadbProvisionResult> {
  const spinner = reporter.spinner(`MariaDB ${MARIADB_VERSION} server (from Maven Central, once)`)
  const started = Date.now()
  let shown = ''
  try {
    const mariadb = await provisionMariadb({
      runner,
      ...(signal === undefined ? {} : { signal }),
      onProgress: (progress) => {
        if (progress.kind === 'note') {
          reporter.warn(progress.message)
          return
        }
        // One redraw per percent, not per network chunk.
        const text = describeProgress(progress)
        if (text !== shown) spinner.update((shown = text))
      },
    })
    spinner.succeed(
      mariadb.source === 'cache'
        ? `MariaDB ${mariadb.version} server is provisioned (${mariadb.home})`
        : `MariaDB ${mariadb.version} server ${mariadb.source === 'm2' ? "taken from Maven's local repository" : 'downloaded'} and unpacked to ${mariadb.home} (${seconds(started)})`,
    )
    return mariadb
  } catch (error) {
    spinner.fail(`the MariaDB ${MARIADB_VERSION} server could not be provisioned`)
    throw error
  }
}

/** Beam's Flink job server (for `--runner flink`), with a spinner; instant when cached. */
export async function provisionFlinkJobServerWithSpinner(
  reporter: Reporter,
  runner: CommandRunner,
  signal?: AbortSignal,
): Promise<FlinkJobServerProvision> {
  const text = `Beam ${BEAM_VERSION} Flink ${FLINK_VERSION} job server (from Maven Central with mvn, once)`
  const spinner = reporter.spinner(text)
  const started = Date.now()
  const ticker = setInterval(
    () => spinner.update(`${text}: ${Math.round((Date.now() - started) / 1000)} s`),
    1000,
  )
  try {
    const jobServer = await provisionFlinkJobServer({
      runner,
      ...(signal === undefined ? {} : { signal }),
    })
    spinner.succeed(
      jobServer.downloaded
        ? `Beam's Flink job server downloaded to ${jobServer.home} (${jobServer.jarCount} jars, ${seconds(started)})`
        : `Beam's Flink job server is provisioned (${jobServer.home})`,
    )
    return jobServer
  } catch (error) {
    spinner.fail("Beam's Flink job server could not be provisioned")
    throw error
  } finally {
    clearInterval(ticker)
  }
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`
}
