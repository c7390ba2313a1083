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

function provisionKafkaWithSpinner(
  version: string,
  reporter: Reporter,
  runner: CommandRunner,
  signal: AbortSignal | undefined,
): Promise<ProvisionResult> {
  return withMavenSpinner(reporter, {
    what: `Apache Kafka ${version}`,
    fetch: () => provisionKafka({ version, runner, ...(signal === undefined ? {} : { signal }) }),
    failed: `Apache Kafka ${version} could not be provisioned`,
  })
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
export function provisionFlinkJobServerWithSpinner(
  reporter: Reporter,
  runner: CommandRunner,
  signal?: AbortSignal,
): Promise<FlinkJobServerProvision> {
  return withMavenSpinner(reporter, {
    what: `Beam ${BEAM_VERSION} Flink ${FLINK_VERSION} job server`,
    done: "Beam's Flink job server",
    fetch: () => provisionFlinkJobServer({ runner, ...(signal === undefined ? {} : { signal }) }),
    failed: "Beam's Flink job server could not be provisioned",
  })
}

/**
 * A runtime fetched with mvn, behind a spinner. mvn -q reports nothing while it downloads: the
 * elapsed time shows it is still working.
 */
async function withMavenSpinner<T extends { downloaded: boolean; home: string; jarCount: number }>(
  reporter: Reporter,
  run: {
    /** Named in the spinner. */
    readonly what: string
    /** Named in the success line (default: `what`). */
    readonly done?: string
    readonly fetch: () => Promise<T>
    readonly failed: string
  },
): Promise<T> {
  const text = `${run.what} (from Maven Central with mvn, once)`
  const done = run.done ?? run.what
  const spinner = reporter.spinner(text)
  const started = Date.now()
  const ticker = setInterval(
    () => spinner.update(`${text}: ${Math.round((Date.now() - started) / 1000)} s`),
    1000,
  )
  try {
    const runtime = await run.fetch()
    spinner.succeed(
      runtime.downloaded
        ? `${done} downloaded to ${runtime.home} (${runtime.jarCount} jars, ${seconds(started)})`
        : `${done} is provisioned (${runtime.home})`,
    )
    return runtime
  } catch (error) {
    spinner.fail(run.failed)
    throw error
  } finally {
    clearInterval(ticker)
  }
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`
}
