import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DipError } from '../../shared/errors.ts'
import type { CommandRunner } from '../command-runner.ts'
import { kafkaHomeFor, PROVISION_MARKER } from './cache-dir.ts'
import { renderKafkaPom } from './kafka-pom.ts'
import { copyMavenLibs, countJars, lastLines } from './maven-libs.ts'

/** A Kafka runtime on disk: `java -cp '<libsDir>/*' kafka.Kafka …`. */
export interface KafkaRuntime {
  readonly version: string
  readonly home: string
  readonly libsDir: string
  readonly classpath: string
}

export interface ProvisionResult extends KafkaRuntime {
  /** false: the cache was already complete and nothing was downloaded. */
  readonly downloaded: boolean
  readonly jarCount: number
}

export function kafkaRuntime(
  version: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  const home = kafkaHomeFor(version, env)
  const libsDir = join(home, 'libs')
  return { version, home, libsDir, classpath: `${libsDir}/*` } satisfies KafkaRuntime
}

/** The runtime if `dip setup` completed for this version, undefined otherwise. Reads the disk only. */
export function findProvisionedKafka(
  version: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): KafkaRuntime | undefined {
  const runtime = kafkaRuntime(version, env)
  const complete =
    existsSync(join(runtime.home, PROVISION_MARKER)) &&
    existsSync(join(runtime.libsDir, `kafka_2.13-${version}.jar`)) &&
    existsSync(join(runtime.libsDir, `kafka-tools-${version}.jar`))
  return complete ? runtime : undefined
}

export function notProvisionedError(version: string, home: string): DipError {
  return new DipError('DIP_PREREQUISITE', `Apache Kafka ${version} is not provisioned (looked in ${home}).`, {
    hint: 'Run `dip setup` once (downloads Kafka from Maven Central with mvn).',
  })
}

/**
 * Resolves kafka_2.13 + kafka-tools + runtime dependencies from Maven Central into
 * `<cache>/kafka-<version>/libs/`. Idempotent: a completed cache (marker file) is reused as is.
 * Maven writes into a temporary folder that is renamed at the end, so an interrupted run never
 * leaves a half-filled libs/ that looks complete.
 */
export async function provisionKafka(options: {
  readonly version: string
  readonly runner: CommandRunner
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly signal?: AbortSignal
}): Promise<ProvisionResult> {
  const env = options.env ?? process.env
  const existing = findProvisionedKafka(options.version, env)
  if (existing !== undefined) return { ...existing, downloaded: false, jarCount: countJars(existing.libsDir) }

  const runtime = kafkaRuntime(options.version, env)
  const jarCount = await copyMavenLibs({
    home: runtime.home,
    libsDir: runtime.libsDir,
    pom: renderKafkaPom(options.version),
    runner: options.runner,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    mavenMissing: () =>
      new DipError('DIP_PREREQUISITE', 'Maven (mvn) is not installed; it is needed to download Kafka.', {
        hint: 'Install it (Debian/Ubuntu: `apt-get install maven`), then run `dip setup` again.',
      }),
    mavenFailed: (exitCode, output) => {
      const missing = /Could not (?:find|resolve) artifact ([^\s]+)/.exec(output)?.[1]
      return new DipError(
        'DIP_PREREQUISITE',
        missing === undefined
          ? `mvn could not download Apache Kafka ${options.version} (exit ${exitCode}):\n${lastLines(output, 8)}`
          : `Apache Kafka ${options.version} is not on Maven Central (missing ${missing}).`,
        {
          hint:
            missing === undefined
              ? 'Check network access to repo.maven.apache.org (or your ~/.m2/settings.xml mirror), then rerun `dip setup`.'
              : 'Set kafka.version to a published 4.x release (e.g. 4.3.1) in dip.config.yaml or DIP_KAFKA_VERSION.',
        },
      )
    },
    markerFields: { version: options.version },
  })
  return { ...runtime, downloaded: true, jarCount }
}

/** The marker written by a completed provisioning, for `dip doctor`. */
export async function readProvisionMarker(
  runtime: KafkaRuntime,
): Promise<{ completedAt?: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(runtime.home, PROVISION_MARKER), 'utf8')) as {
      completedAt?: string
    }
  } catch {
    return undefined
  }
}
